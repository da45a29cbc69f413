"""The screen pop leaves when the bridge is heard, not when the database has stored it.

On a busy floor the bridge's update waits behind the storing of every other call's
updates; the agent then heard the person before seeing who it was. Here storing is
held back (as a busy database holds it) while a real call is bridged through the
simulator: the pop must still arrive, once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.core.crypto import DataCipher
from dialer.core.kept_connections import conninfo_of
from dialer.engine.calling.bridge import BusBridge, channel_for
from dialer.engine.calling.events import (
    CALL_ENDED,
    DIALLING,
    SCREEN_POP,
    Payload,
    ScreenPopBus,
    Subscription,
)
from dialer.engine.service import DialerService
from telephony.ami.updates import CallUpdate
from telephony.results import CallState
from telephony.sim import PopulationModel
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

ANSWERS_AT_ONCE = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=1.0, ring_max_s=2.0, talk_mean_s=5.0, talk_min_s=5.0, talk_max_s=5.0,
)  # fmt: skip
GUARD_S = 20.0  # a bound against hanging, not a speed assertion


@dataclass
class Floor:
    engine: Engine
    service: DialerService
    agent: int
    events: Subscription

    async def next_event(self) -> Payload:
        return await asyncio.wait_for(self.events.next(), GUARD_S)


@pytest.fixture()
async def floor(engine: Engine, cipher: DataCipher, clock: FakeClock) -> AsyncIterator[Floor]:
    campaign = make_campaign(engine)
    add_people(engine, campaign, ["+33612340001"])
    [agent] = add_agents(engine, campaign, 1, clock.now)
    service = make_service(engine, cipher, clock, population=ANSWERS_AT_ONCE)
    await service.start(run_loop=False)
    events = service.bus.open(agent)
    try:
        yield Floor(engine, service, agent, events)
    finally:
        events.close()
        await service.stop()


def hold_back_storing(service: DialerService, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every call update waits for the returned event before it is stored."""
    gate, store = threading.Event(), service.recorder.apply_all

    def slow_store(updates: list[CallUpdate]) -> object:
        gate.wait(GUARD_S)
        return store(updates)

    monkeypatch.setattr(service.recorder, "apply_all", slow_store)
    return gate


async def test_the_pop_reaches_the_desk_before_the_bridge_is_stored(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = hold_back_storing(floor.service, monkeypatch)
    try:
        await floor.service.tick()
        dialling = await floor.next_event()
        popped = await floor.next_event()
        [attempt] = rows(floor.engine, CallAttempt)
        # While the phone rang the desk was told whose call it would be (ids only).
        assert (dialling["kind"], dialling["attempt_id"]) == (DIALLING, attempt.id)
        # Not even its ringing is stored yet: only the bridge being heard can pop it.
        assert (popped["kind"], popped["attempt_id"]) == (SCREEN_POP, attempt.id)
        assert attempt.state == "dialing"
        # ...but the bridge's moment is, before the pop: a worker dying now leaves the
        # call known as talked (the person held for the agent's outcome, not called again).
        assert attempt.connected_at is not None
    finally:
        gate.set()
    ended = await floor.next_event()
    # Once: the stored bridge, when it comes, knows the pop has left.
    assert (ended["kind"], ended["attempt_id"]) == (CALL_ENDED, attempt.id)
    [stored] = rows(floor.engine, CallAttempt)
    assert stored.connected_at is not None and stored.result == "answered"
    assert floor.events.queue.empty()


async def test_without_holding_back_the_call_pops_once(floor: Floor) -> None:
    await floor.service.tick()
    events = [await floor.next_event() for _ in range(3)]
    assert [e["kind"] for e in events] == [DIALLING, SCREEN_POP, CALL_ENDED]
    assert len({e["attempt_id"] for e in events}) == 1
    assert set(events[0]) == {"kind", "attempt_id", "contact_id", "campaign_id"}
    assert floor.events.queue.empty()


# -- across processes (PostgreSQL): the desk is in a web process, reached by NOTIFY ----------


@pytest.fixture()
async def remote_desk(floor: Floor) -> AsyncIterator[Subscription]:
    """The agent's desk in another process: a web side's bridge, its own bus."""
    if floor.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    web_bus = ScreenPopBus()
    web = BusBridge(conninfo_of(floor.engine), web_bus, channel=channel_for(floor.engine))
    web.start_listener()
    try:
        await asyncio.wait_for(web.listening.wait(), GUARD_S)
        desk = web_bus.open(floor.agent)
        yield desk
        desk.close()
    finally:
        await web.close()


async def next_of(desk: Subscription) -> Payload:
    return await asyncio.wait_for(desk.next(), GUARD_S)


def stall_the_outbox(service: DialerService, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """The worker's queued notices (« dialling », ends) wait for the returned event, as
    behind a backlog of other calls' notices on a busy worker."""
    assert service.bridge is not None
    gate, sender = asyncio.Event(), service.bridge._sender
    send = sender.notify

    async def slow_notify(channel: str, payload: str) -> None:
        await gate.wait()
        await send(channel, payload)

    monkeypatch.setattr(sender, "notify", slow_notify)
    return gate


async def test_the_pop_reaches_a_remote_desk_without_waiting_behind_queued_notices(
    floor: Floor, remote_desk: Subscription, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = stall_the_outbox(floor.service, monkeypatch)
    # The recorder storing the bridge first would queue the pop behind the stalled
    # notices: that order is the next test's. Held back here, it cannot win the race.
    storing = hold_back_storing(floor.service, monkeypatch)
    try:
        await floor.service.tick()
        # The pop leaves with the bridge's stored moment, in the same statement.
        popped = await next_of(remote_desk)
        [attempt] = rows(floor.engine, CallAttempt)
        assert (popped["kind"], popped["attempt_id"]) == (SCREEN_POP, attempt.id)
        assert set(popped) == {"kind", "attempt_id", "contact_id", "campaign_id"}
        assert attempt.connected_at is not None
    finally:
        storing.set()
    gate.set()
    later = [await next_of(remote_desk) for _ in range(2)]
    assert [e["kind"] for e in later] == [DIALLING, CALL_ENDED]
    assert remote_desk.queue.empty()
    # The worker's own desks (a process that dials and serves pages) hear it too, once.
    assert [e["kind"] for e in [await floor.next_event() for _ in range(3)]] == [
        DIALLING, SCREEN_POP, CALL_ENDED,
    ]  # fmt: skip


async def test_a_bridge_stored_first_by_the_recorder_still_pops_a_remote_desk_once(
    floor: Floor, remote_desk: Subscription, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early pop's statement runs only after the recorder stored the bridge: it then
    stores nothing and sends nothing, and the pop leaves once all the same."""
    stored = threading.Event()
    store, early = floor.service.recorder.apply_all, floor.service.early_pop

    def store_and_tell(updates: list[CallUpdate]) -> object:
        done = store(updates)
        if any(u.state is CallState.CONNECTED for u in updates):
            stored.set()
        return done

    store_bridge = early._store_bridge

    def after_the_recorder(*args: object) -> object:
        stored.wait(GUARD_S)
        return store_bridge(*args)

    monkeypatch.setattr(floor.service.recorder, "apply_all", store_and_tell)
    monkeypatch.setattr(early, "_store_bridge", after_the_recorder)
    await floor.service.tick()
    remote = [await next_of(remote_desk) for _ in range(3)]
    assert [e["kind"] for e in remote] == [DIALLING, SCREEN_POP, CALL_ENDED]
    local = [await floor.next_event() for _ in range(3)]
    assert [e["kind"] for e in local] == [DIALLING, SCREEN_POP, CALL_ENDED]
    await asyncio.sleep(0.5)  # a second pop, if any, would have crossed by now
    assert remote_desk.queue.empty() and floor.events.queue.empty()


async def test_when_the_early_statement_fails_the_stored_path_pops_once(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_gone(*_args: object) -> object:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(floor.service.early_pop, "_store_bridge", database_gone)
    await floor.service.tick()
    events = [await floor.next_event() for _ in range(3)]
    assert [e["kind"] for e in events] == [DIALLING, SCREEN_POP, CALL_ENDED]
    await asyncio.sleep(0.5)  # a second pop, if any, would have come by now
    assert floor.events.queue.empty()
