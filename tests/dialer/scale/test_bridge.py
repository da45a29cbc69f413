"""Screen pops crossing processes through PostgreSQL LISTEN/NOTIFY.

The web side is a second ``BusBridge`` with its own bus and its own connections,
as a web app in another process would have: nothing is shared in memory with
the dialer's service but the database server.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine

from dialer.core.crypto import DataCipher
from dialer.core.kept_connections import conninfo_of
from dialer.engine.calling.bridge import (
    BusBridge,
    channel_for,
    decode_notice,
    encode_notice,
)
from dialer.engine.calling.events import (
    CALL_ENDED,
    DIALLING,
    SCREEN_POP,
    ScreenPopBus,
    call_payload,
)
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
)

ANSWERS = "+33611000001"  # the recorded person who answers and talks 20 s
WAIT = 30.0  # a bound on waiting for an event, far above any normal run


def test_notices_carry_ids_only_and_malformed_ones_are_refused() -> None:
    payload = call_payload(CALL_ENDED, 5, 6, 7, result="busy")
    payload["last_name"] = "Martin"  # a field that must never travel
    text = encode_notice("o1", 12, payload)
    assert "Martin" not in text
    notice = decode_notice(text)
    assert notice is not None
    assert (notice.origin, notice.agent_user_id) == ("o1", 12)
    assert notice.payload == call_payload(CALL_ENDED, 5, 6, 7, result="busy")
    for bad in ("", "{}", "[1]", '{"o":"x","a":"z","p":{"kind":"k"}}', '{"o":"x","a":1,"p":{}}'):
        assert decode_notice(bad) is None


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")


@contextlib.asynccontextmanager
async def _listening(bridge: BusBridge) -> AsyncIterator[BusBridge]:
    bridge.start_listener()
    try:
        await asyncio.wait_for(bridge.listening.wait(), WAIT)
        yield bridge
    finally:
        await bridge.close()


async def test_events_cross_in_order_and_an_origin_ignores_its_own(engine: Engine) -> None:
    _postgres_only(engine)
    channel = f"t_{uuid.uuid4().hex[:12]}"
    web_bus, worker_bus = ScreenPopBus(), ScreenPopBus()
    web = BusBridge(conninfo_of(engine), web_bus, channel=channel)
    worker = BusBridge(conninfo_of(engine), worker_bus, channel=channel)
    async with _listening(web), _listening(worker):
        desk = web_bus.open(3)
        echo = worker_bus.open(3)
        worker.start_sender()
        for attempt_id in range(1, 6):
            worker.publish_to_remote(3, call_payload(SCREEN_POP, attempt_id, 10, 20))
        got = [await asyncio.wait_for(desk.next(), WAIT) for _ in range(5)]
        assert [event["attempt_id"] for event in got] == [1, 2, 3, 4, 5]
        assert got[0] == call_payload(SCREEN_POP, 1, 10, 20)
        # The worker also listens: its own notices were skipped, the web's are not.
        web.start_sender()
        web.publish_to_remote(3, call_payload(CALL_ENDED, 9, 10, 20, result="answered"))
        assert (await asyncio.wait_for(echo.next(), WAIT))["attempt_id"] == 9
        assert echo.queue.empty()


async def test_a_call_placed_by_the_service_pops_the_desk_of_another_process(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    _postgres_only(engine)
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [ANSWERS])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock)
    assert service.bridge is not None
    web_bus = ScreenPopBus()
    async with _listening(BusBridge(conninfo_of(engine), web_bus, channel=channel_for(engine))):
        desk = web_bus.open(agent)
        await service.start(run_loop=False)
        try:
            assert (await service.tick()).placed == 1
            dialling = await asyncio.wait_for(desk.next(), WAIT)
            pop = await asyncio.wait_for(desk.next(), WAIT)
            ended = await asyncio.wait_for(desk.next(), WAIT)
        finally:
            await service.stop()
    # The desk of the web process hears the phone ring (it reads the call's file meanwhile).
    assert dialling["kind"] == DIALLING and dialling["attempt_id"] == pop["attempt_id"]
    assert pop["kind"] == SCREEN_POP and pop["campaign_id"] == campaign_id
    assert ended["kind"] == CALL_ENDED and ended["attempt_id"] == pop["attempt_id"]
