"""Preview mode through the PBX simulator: the record first, then a call or a skip."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.engine.calling.events import (
    CALL_ENDED,
    PREVIEW,
    PREVIEW_EXPIRED,
    SCREEN_POP,
    Payload,
    Subscription,
)
from dialer.engine.calling.preview import SKIP_DELAY, PreviewError
from dialer.engine.service import DialerService
from telephony.sim import PopulationModel
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)
from tests.telephony.ami.helpers import eventually

# Everybody answers: the call placed from a preview must reach the agent.
ANSWERING = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=2.0, talk_mean_s=20.0, talk_min_s=5.0, talk_max_s=30.0,
)  # fmt: skip
NUMBERS = ["+33612340001", "+33612340002"]
# A guard against a hang, not a measure: events normally arrive within milliseconds.
EVENT_GUARD_S = 20.0


@dataclass
class Floor:
    engine: Engine
    service: DialerService
    clock: FakeClock
    agent: int
    other_agent: int
    contacts: list[int]
    events: Subscription

    async def next_event(self) -> Payload:
        return await asyncio.wait_for(self.events.next(), EVENT_GUARD_S)

    def contact(self, contact_id: int) -> CampaignContact:
        with Session(self.engine) as session:
            found = session.get(CampaignContact, contact_id)
            assert found is not None
            return found

    def presence(self, user_id: int) -> AgentPresence:
        with Session(self.engine) as session:
            found = session.get(AgentPresence, user_id)
            assert found is not None
            return found

    @property
    def dial_log_size(self) -> int:
        assert self.service.sim is not None
        return len(self.service.sim.dial_log)


@pytest.fixture()
async def floor(engine: Engine, cipher: DataCipher, clock: FakeClock) -> AsyncIterator[Floor]:
    """A preview campaign, two people, one available agent (and one paused elsewhere)."""
    campaign_id = make_campaign(engine, pacing_mode="preview")
    contacts = add_people(engine, campaign_id, NUMBERS)
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    [other] = add_agents(engine, make_campaign(engine, code="C2"), 1, clock.now)
    service = make_service(engine, cipher, clock, population=ANSWERING)
    await service.start(run_loop=False)
    events = service.bus.open(agent)
    try:
        yield Floor(engine, service, clock, agent, other, contacts, events)
    finally:
        events.close()
        await service.stop()


async def offered(floor: Floor) -> Payload:
    """One tick: the agent is offered one record and no call is placed."""
    report = await floor.service.tick()
    assert (report.placed, report.previewed) == (0, 1)
    event = await floor.next_event()
    assert event["kind"] == PREVIEW and set(event) == {
        "kind",
        "attempt_id",
        "contact_id",
        "campaign_id",
    }
    assert floor.dial_log_size == 0
    return event


async def test_a_preview_holds_the_agent_without_calling(floor: Floor) -> None:
    event = await offered(floor)
    [attempt] = rows(floor.engine, CallAttempt)
    assert (attempt.id, attempt.state, attempt.agent_user_id) == (
        event["attempt_id"],
        "preview",
        floor.agent,
    )
    held = floor.presence(floor.agent)
    assert (held.state, held.attempt_id) == ("reserved", attempt.id)
    contact = floor.contact(event["contact_id"])
    assert (contact.status, contact.attempts) == ("in_progress", 1)
    # Ticks go by while the agent reads: nothing else is offered, nothing is dialled.
    report = await floor.service.tick()
    assert (report.placed, report.previewed) == (0, 0)
    assert floor.dial_log_size == 0 and len(rows(floor.engine, CallAttempt)) == 1


async def test_calling_a_preview_connects_that_agent(floor: Floor) -> None:
    event = await offered(floor)
    attempt_id = event["attempt_id"]
    with pytest.raises(PreviewError):
        await floor.service.dial_preview(attempt_id, floor.other_agent)
    assert floor.dial_log_size == 0

    assert await floor.service.dial_preview(attempt_id, floor.agent)
    popped = await floor.next_event()
    assert (popped["kind"], popped["attempt_id"]) == (SCREEN_POP, attempt_id)
    assert floor.service.sim is not None
    [call] = floor.service.sim.dial_log
    assert call.variables["ATTEMPT_ID"] == str(attempt_id)
    assert call.variables["AGENT"] == "Local/902@sim-agents"
    # The pop leaves as soon as the bridge is heard; storing it follows.
    await eventually(lambda: rows(floor.engine, CallAttempt)[0].state == "connected")
    [attempt] = rows(floor.engine, CallAttempt)
    assert attempt.connected_at is not None and attempt.agent_user_id == floor.agent
    assert attempt.channel_id == call.channel_id  # the desk hangs up through it
    assert floor.presence(floor.agent).state == "on_call"
    with pytest.raises(PreviewError):  # a preview is called once
        await floor.service.dial_preview(attempt_id, floor.agent)
    ended = await floor.next_event()
    assert (ended["kind"], ended["result"]) == (CALL_ENDED, "answered")
    assert floor.dial_log_size == 1


async def test_a_skipped_record_is_not_an_attempt_and_the_next_one_comes(floor: Floor) -> None:
    first = await offered(floor)
    with pytest.raises(PreviewError):
        await floor.service.skip_preview(first["attempt_id"], floor.other_agent)
    await floor.service.skip_preview(first["attempt_id"], floor.agent)

    assert rows(floor.engine, CallAttempt) == []
    skipped = floor.contact(first["contact_id"])
    assert (skipped.status, skipped.attempts, skipped.lease_owner) == ("pending", 0, None)
    assert skipped.next_attempt_at == floor.clock.now + SKIP_DELAY
    assert floor.presence(floor.agent).state == "available"

    second = await offered(floor)
    assert second["contact_id"] != first["contact_id"]
    assert {second["contact_id"], first["contact_id"]} == set(floor.contacts)
    # The skipped attempt is gone (SQLite may reuse its id for the new one).
    [attempt] = rows(floor.engine, CallAttempt)
    assert (attempt.id, attempt.contact_id) == (second["attempt_id"], second["contact_id"])
    assert floor.dial_log_size == 0


async def test_a_preview_held_too_long_is_taken_back(floor: Floor) -> None:
    first = await offered(floor)
    assert floor.service.worker is not None
    hold = floor.service.worker._config.preview_hold_seconds
    floor.clock.advance(seconds=hold - 1)
    report = await floor.service.tick()
    assert report.previewed == 0  # still within its hold

    floor.clock.advance(seconds=1)
    report = await floor.service.tick()
    expired = await floor.next_event()
    assert (expired["kind"], expired["attempt_id"]) == (PREVIEW_EXPIRED, first["attempt_id"])
    taken = floor.contact(first["contact_id"])
    assert (taken.status, taken.attempts) == ("pending", 0)
    assert taken.next_attempt_at == floor.clock.now + SKIP_DELAY
    # The agent is free again at once and gets the other record in the same tick.
    assert report.previewed == 1
    second = await floor.next_event()
    assert second["kind"] == PREVIEW and second["contact_id"] != first["contact_id"]
    [attempt] = rows(floor.engine, CallAttempt)
    assert (attempt.id, attempt.contact_id) == (second["attempt_id"], second["contact_id"])
    assert floor.dial_log_size == 0
