"""Manual dial and answering machines through the PBX simulator.

A manual call is claimed by the dialer's own claim and placed by the worker through
the same Originate path; every refusal leaves the PBX untouched (its dial log empty)
and the agent and contact as they were.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from consent import ledger
from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.calling.events import CALL_ENDED, SCREEN_POP, Payload, Subscription
from dialer.engine.calling.manual import ManualDialRefused, hold_manual_call, search_people
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

ANSWERING = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=2.0, talk_mean_s=20.0, talk_min_s=5.0, talk_max_s=30.0,
)  # fmt: skip
MACHINES = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=1.0,
    ring_mean_s=2.0, talk_mean_s=20.0, talk_min_s=5.0, talk_max_s=30.0,
)  # fmt: skip
EVENT_GUARD_S = 20.0
HOLD_S = 300


@dataclass
class Floor:
    engine: Engine
    service: DialerService
    clock: FakeClock
    campaign: int
    other_campaign: int
    agent: int
    contacts: list[int]
    elsewhere: list[int]  # contacts of the other campaign (another fund too)
    events: Subscription

    async def next_event(self) -> Payload:
        return await asyncio.wait_for(self.events.next(), EVENT_GUARD_S)

    @property
    def dialled(self) -> int:
        assert self.service.sim is not None
        return len(self.service.sim.dial_log)

    def hold(self, contact_id: int, *, require_manual: bool = True) -> int:
        return hold_manual_call(
            self.engine, self.agent, contact_id, "worker-test", self.clock(), HOLD_S,
            require_manual=require_manual,
        )  # fmt: skip

    def state(self) -> str:
        with Session(self.engine) as session:
            row = session.get(AgentPresence, self.agent)
            assert row is not None
            return row.state


def allow_manual(engine: Engine, campaign_id: int, allowed: bool = True) -> None:
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.manual_dial = allowed
        session.add(campaign)


@pytest.fixture()
async def floor(engine: Engine, cipher: DataCipher, clock: FakeClock) -> AsyncIterator[Floor]:
    campaign = make_campaign(engine)
    allow_manual(engine, campaign)
    contacts = add_people(engine, campaign, ["+33612340001", "+33612340002"])
    other = make_campaign(engine, code="C2")
    elsewhere = add_people(engine, other, ["+33612340009"])
    [agent] = add_agents(engine, campaign, 1, clock.now)
    service = make_service(engine, cipher, clock, population=ANSWERING)
    await service.start(run_loop=False)
    events = service.bus.open(agent)
    try:
        yield Floor(engine, service, clock, campaign, other, agent, contacts, elsewhere, events)
    finally:
        events.close()
        await service.stop()


async def test_a_manual_call_is_claimed_and_placed_like_any_other(floor: Floor) -> None:
    attempt_id = floor.hold(floor.contacts[1])
    assert floor.dialled == 0  # held, not yet sent
    await floor.service.call_preview(attempt_id, floor.agent)
    popped = await floor.next_event()
    assert (popped["kind"], popped["attempt_id"]) == (SCREEN_POP, attempt_id)
    assert floor.service.sim is not None
    [call] = floor.service.sim.dial_log
    assert call.number.endswith("612340002") or call.dial_string.endswith("0612340002@sim-persons")
    assert call.variables["ATTEMPT_ID"] == str(attempt_id)
    assert "MACHINE_ACTION" not in call.variables  # the campaign does not filter machines
    [attempt] = rows(floor.engine, CallAttempt)
    assert (attempt.contact_id, attempt.agent_user_id) == (floor.contacts[1], floor.agent)
    # The pop leaves as soon as the bridge is heard; storing it follows.
    await eventually(lambda: floor.state() == "on_call")
    # One live call per person: the same person cannot be held a second time meanwhile.
    with pytest.raises(ManualDialRefused):
        floor.hold(floor.contacts[1])
    ended = await floor.next_event()
    assert ended["kind"] == CALL_ENDED


async def test_a_paused_agent_may_call_and_is_available_afterwards(floor: Floor) -> None:
    with session_scope(floor.engine) as session:
        presence.pause(session, floor.agent, "Formation", floor.clock())
        contact = session.get(CampaignContact, floor.contacts[1])
        assert contact is not None
        contact.next_attempt_at = floor.clock() + timedelta(hours=1)
        session.add(contact)
    with pytest.raises(ManualDialRefused):  # refused: the pause goes on as it was
        floor.hold(floor.contacts[1])
    assert floor.state() == "paused"
    attempt_id = floor.hold(floor.contacts[0])
    assert floor.state() == "reserved"
    await floor.service.call_preview(attempt_id, floor.agent)
    assert (await floor.next_event())["kind"] == SCREEN_POP


@pytest.mark.parametrize("which", ["other_campaign", "other_fund", "not_allowed"])
async def test_refusals_never_reach_the_pbx(floor: Floor, which: str) -> None:
    target = floor.contacts[0]
    if which == "other_campaign":
        target = floor.elsewhere[0]
    elif which == "other_fund":
        # A contact of this campaign whose person belongs to another fund.
        with session_scope(floor.engine) as session:
            contact = session.get(CampaignContact, target)
            assert contact is not None
            person = session.get(Person, contact.person_id)
            other = session.get(Campaign, floor.other_campaign)
            assert person is not None and other is not None
            person.fund_id = other.fund_id
            session.add(person)
    else:
        allow_manual(floor.engine, floor.campaign, False)
    with pytest.raises(ManualDialRefused) as refused:
        floor.hold(target)
    assert refused.value.code == which
    assert floor.dialled == 0 and rows(floor.engine, CallAttempt) == []
    assert floor.state() == "available"


async def test_a_person_not_callable_now_is_refused_with_the_dialers_reason(floor: Floor) -> None:
    target = floor.contacts[0]
    with session_scope(floor.engine) as session:
        contact = session.get(CampaignContact, target)
        assert contact is not None
        ledger.record(
            session, contact.person_id, "call", "opt_out", "rights_request", "dpo",
            now=floor.clock(),
        )  # fmt: skip
    with pytest.raises(ManualDialRefused) as refused:
        floor.hold(target)
    assert refused.value.code == "not_callable"
    assert "refusé les appels" in str(refused.value)
    # A retry delay of the dialer holds too: tried an hour ago, next try in an hour.
    with session_scope(floor.engine) as session:
        contact = session.get(CampaignContact, floor.contacts[1])
        assert contact is not None
        contact.next_attempt_at = floor.clock() + timedelta(hours=1)
        session.add(contact)
    with pytest.raises(ManualDialRefused):
        floor.hold(floor.contacts[1])
    assert floor.dialled == 0 and rows(floor.engine, CallAttempt) == []
    assert floor.state() == "available"
    # A callback the person asked for is called by hand even without manual dial.
    allow_manual(floor.engine, floor.campaign, False)
    with session_scope(floor.engine) as session:
        contact = session.get(CampaignContact, floor.contacts[1])
        assert contact is not None
        contact.next_attempt_at, contact.callback_at = None, floor.clock() - timedelta(minutes=1)
        session.add(contact)
    attempt_id = floor.hold(floor.contacts[1], require_manual=False)
    await floor.service.call_preview(attempt_id, floor.agent)
    assert (await floor.next_event())["kind"] == SCREEN_POP


async def test_search_finds_only_this_campaigns_people(floor: Floor) -> None:
    with Session(floor.engine) as session:
        campaign = session.get(Campaign, floor.campaign)
        assert campaign is not None
        found = search_people(session, campaign, "mart")
        assert sorted(m.contact_id for m in found) == sorted(floor.contacts)
        assert search_people(session, campaign, "Léa Martin")
        assert search_people(session, campaign, "Dupont") == []
        with pytest.raises(ManualDialRefused):
            search_people(session, campaign, "m")


@pytest.mark.parametrize("handling", ["hangup", "message"])
async def test_a_machine_is_counted_as_a_machine_whatever_the_handling(
    engine: Engine, cipher: DataCipher, clock: FakeClock, handling: str
) -> None:
    campaign = make_campaign(engine)
    with session_scope(engine) as session:
        found = session.get(Campaign, campaign)
        assert found is not None
        found.answering_machine = handling
        session.add(found)
    [contact] = add_people(engine, campaign, ["+33612340003"])
    add_agents(engine, campaign, 1, clock.now)
    service = make_service(engine, cipher, clock, population=MACHINES)
    await service.start(run_loop=False)
    try:
        report = await service.tick()
        assert report.placed == 1
        assert service.sim is not None
        [call] = service.sim.dial_log
        # The handling reaches the dialplan as a checked channel variable.
        assert call.variables["MACHINE_ACTION"] == handling
        for _ in range(400):
            [attempt] = rows(engine, CallAttempt)
            if attempt.result is not None:
                break
            await asyncio.sleep(0.05)
        assert (attempt.result, attempt.amd_status) == ("machine", "MACHINE")
        assert attempt.connected_at is None  # never reached an agent
        [row] = rows(engine, CampaignContact)
        assert (row.id, row.status) == (contact, "pending")
    finally:
        await service.stop()


def test_the_manual_call_goes_to_a_living_worker(engine: Engine, clock: FakeClock) -> None:
    """A web process without a dialer gives an agent's manual call to a live worker."""
    from dialer.engine.calling.liveness import beat, dead_cutoff, live_worker

    now = clock()
    assert live_worker(engine, dead_cutoff(now, 45)) is None
    beat(engine, "old", now - timedelta(minutes=5), starting=True)
    beat(engine, "alive", now - timedelta(seconds=3), starting=True)
    assert live_worker(engine, dead_cutoff(now, 45)) == "alive"
    assert live_worker(engine, dead_cutoff(now + timedelta(minutes=2), 45)) is None
