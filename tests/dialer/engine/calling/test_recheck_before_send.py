"""Consent and limitation are read again right before the Originate; ends free the person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from consent.ledger import record
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.selection import Claim, claim_contacts
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.db import session_scope
from dialer.engine.calling.dialing import CallPlacer, DialConfig, PlacedCall, undo_claim
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.calling.recorder import CallRecorder
from dialer.engine.calling.snapshot import DialTarget, dial_targets
from telephony.ami.client import AmiClient
from telephony.ami.connection import ConnectionSettings
from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.frames import DialTemplate
from telephony.results import CallResult
from telephony.sim import PbxSimulator, SimulatorConfig
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    rows,
)


@dataclass
class Pbx:
    sim: PbxSimulator
    placer: CallPlacer
    recorder: CallRecorder


@pytest.fixture
async def pbx(engine: Engine, clock: FakeClock) -> AsyncIterator[Pbx]:
    sim = PbxSimulator(SimulatorConfig(time_factor=0.01))
    await sim.start("127.0.0.1", 0)
    recorder = CallRecorder(engine, clock)
    endpoint = AmiEndpoint("127.0.0.1", sim.port, "dialer", "dialer-secret")
    client = AmiClient(ConnectionSettings(endpoint), recorder)
    await client.start()
    config = DialConfig(DialTemplate("Local/{national}@sim-persons"), "worker-test")
    try:
        yield Pbx(sim, CallPlacer(engine, client, recorder, config, clock), recorder)
    finally:
        await client.close()
        await sim.stop()


def _claim_one(engine: Engine, campaign_id: int, clock: FakeClock) -> tuple[DialTarget, Claim]:
    [claim] = claim_contacts(engine, campaign_id, "worker-test", 1, clock.now)
    with session_scope(engine) as session:
        [target] = dial_targets(session, clock.now)
    return target, claim


def _not_sent_and_not_redialled(engine: Engine, pbx: Pbx, campaign_id: int, claim: Claim) -> None:
    assert pbx.sim.dial_log == []
    assert rows(engine, CallAttempt) == []
    [contact] = rows(engine, CampaignContact, CampaignContact.id == claim.contact_id)
    assert (contact.status, contact.attempts, contact.lease_owner) == ("pending", 0, None)


async def test_an_opt_out_recorded_after_the_claim_stops_the_call(
    engine: Engine, clock: FakeClock, pbx: Pbx
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001"])
    target, claim = _claim_one(engine, campaign_id, clock)
    clock.advance(seconds=1)
    with session_scope(engine) as session:
        record(session, claim.person_id, "call", "opt_out", "rights_request", "dpo", now=clock.now)
    clock.advance(seconds=1)
    assert await pbx.placer.place(target, PlacedCall(claim, None)) is False
    _not_sent_and_not_redialled(engine, pbx, campaign_id, claim)
    assert claim_contacts(engine, campaign_id, "worker-test", 1, clock.now) == []


async def test_a_limitation_recorded_after_the_claim_stops_the_call(
    engine: Engine, clock: FakeClock, pbx: Pbx
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001"])
    target, claim = _claim_one(engine, campaign_id, clock)
    with session_scope(engine) as session:
        person = session.get_one(Person, claim.person_id)
        person.limited = True
        session.add(person)
    assert await pbx.placer.place(target, PlacedCall(claim, None)) is False
    _not_sent_and_not_redialled(engine, pbx, campaign_id, claim)
    assert claim_contacts(engine, campaign_id, "worker-test", 1, clock.now) == []


async def test_a_refusal_in_another_campaign_after_the_claim_stops_the_call(
    engine: Engine, clock: FakeClock, pbx: Pbx
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001"])
    target, claim = _claim_one(engine, campaign_id, clock)
    other = make_campaign(engine, code="C2")
    with session_scope(engine) as session:
        contact = CampaignContact(campaign_id=other, person_id=claim.person_id, status="done")
        session.add(contact)
        session.flush()
        session.add(
            Outcome(
                contact_id=contact.id or 0, campaign_id=other, person_id=claim.person_id,
                interview="refused", created_at=clock.now,
            )
        )  # fmt: skip
    assert await pbx.placer.place(target, PlacedCall(claim, None)) is False
    _not_sent_and_not_redialled(engine, pbx, campaign_id, claim)


async def test_a_person_still_callable_is_called(
    engine: Engine, clock: FakeClock, pbx: Pbx
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001"])
    target, claim = _claim_one(engine, campaign_id, clock)
    with session_scope(engine) as session:
        # Opted out of SMS only, and back in for calls after an old opt-out.
        record(session, claim.person_id, "sms", "opt_out", "fund_file", "caisse", now=clock.now)
        old = clock.now - timedelta(days=30)
        record(session, claim.person_id, "call", "opt_out", "fund_file", "caisse", at=old)
        record(session, claim.person_id, "call", "opt_in", "fund_file", "caisse", now=clock.now)
    assert await pbx.placer.place(target, PlacedCall(claim, None)) is True
    assert [r.channel_id for r in pbx.sim.dial_log] == [f"dialer-{claim.attempt_id}"]


def _two_campaigns_one_person(engine: Engine) -> tuple[int, int]:
    first = make_campaign(engine, code="GRIPPE-75")
    second = make_campaign(engine, code="AMELI-75")
    add_people(engine, first, ["+33612340001"])
    with session_scope(engine) as session:
        [contact] = session.query(CampaignContact).filter_by(campaign_id=first).all()
        session.add(CampaignContact(campaign_id=second, person_id=contact.person_id))
    return first, second


def test_giving_a_claim_back_frees_the_person_for_other_campaigns(
    engine: Engine, clock: FakeClock
) -> None:
    first, second = _two_campaigns_one_person(engine)
    [claim] = claim_contacts(engine, first, "worker-test", 1, clock.now)
    assert claim_contacts(engine, second, "worker-test", 1, clock.now) == []
    undo_claim(engine, PlacedCall(claim, None), "worker-test", clock.now)
    [again] = claim_contacts(engine, second, "worker-test", 1, clock.now)
    assert again.person_id == claim.person_id


def test_a_closed_orphan_attempt_frees_the_person(engine: Engine, clock: FakeClock) -> None:
    first, second = _two_campaigns_one_person(engine)
    [claim] = claim_contacts(engine, first, "worker-test", 1, clock.now)
    recorder = CallRecorder(engine, clock)
    recorder.close_unsent(claim.attempt_id, CallResult.ENDED_WHILE_DISCONNECTED)
    [again] = claim_contacts(engine, second, "worker-test", 1, clock.now)
    assert again.person_id == claim.person_id


def _talking(engine: Engine, clock: FakeClock) -> tuple[int, int, Claim]:
    """One person in two campaigns, claimed in the first and bridged to its agent."""
    first, second = _two_campaigns_one_person(engine)
    [agent] = add_agents(engine, first, 1, clock.now)
    [claim] = claim_contacts(engine, first, "worker-test", 1, clock.now)
    with session_scope(engine) as session:
        attempt = session.get_one(CallAttempt, claim.attempt_id)
        attempt.agent_user_id, attempt.connected_at = agent, clock.now
        session.add(attempt)
    return second, agent, claim


def test_after_a_talk_the_person_is_held_until_the_outcome_is_recorded(
    engine: Engine, clock: FakeClock
) -> None:
    second, agent, claim = _talking(engine, clock)
    clock.advance(seconds=90)
    CallRecorder(engine, clock).close_unsent(claim.attempt_id, CallResult.ANSWERED)
    # The person hung up; the agent is still writing what they said.
    assert claim_contacts(engine, second, "worker-test", 1, clock.now) == []
    with session_scope(engine) as session:
        form = OutcomeInput(interview="accepted", offer="accepted")
        record_outcome(session, claim.attempt_id, agent, form, now=clock.now)
    [again] = claim_contacts(engine, second, "worker-test", 1, clock.now)
    assert again.person_id == claim.person_id


def test_an_outcome_written_during_the_talk_does_not_free_the_person(
    engine: Engine, clock: FakeClock
) -> None:
    second, agent, claim = _talking(engine, clock)
    with session_scope(engine) as session:
        form = OutcomeInput(interview="accepted", offer="accepted")
        record_outcome(session, claim.attempt_id, agent, form, now=clock.now)
    assert claim_contacts(engine, second, "worker-test", 1, clock.now) == []
    CallRecorder(engine, clock).close_unsent(claim.attempt_id, CallResult.ANSWERED)
    [again] = claim_contacts(engine, second, "worker-test", 1, clock.now)
    assert again.person_id == claim.person_id
