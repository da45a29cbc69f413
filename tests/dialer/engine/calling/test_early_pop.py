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
from dialer.engine.calling.events import CALL_ENDED, DIALLING, SCREEN_POP, Payload, Subscription
from dialer.engine.service import DialerService
from telephony.ami.updates import CallUpdate
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
