"""Recording an agent's outcome: contact progress, consent ledger, contact details, errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from consent.ledger import history, is_opted_out
from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.selection import claim_contacts
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.calling.recorder import CallRecorder
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    rows,
)


def connected_call(
    engine: Engine, campaign_id: int, agent: int, now: datetime, *, ended: bool = True
) -> CallAttempt:
    """Claims the next contact and bridges it to the agent, as the dialer would."""
    [claim] = claim_contacts(engine, campaign_id, "worker-test", 1, now)
    with session_scope(engine) as session:
        assert presence.reserve_agent(session, campaign_id, now) == agent
        attempt = session.get(CallAttempt, claim.attempt_id)
        assert attempt is not None
        attempt.agent_user_id, attempt.connected_at = agent, now
        if ended:
            attempt.state, attempt.result = "ended", "answered"
        else:
            attempt.state = "connected"
        session.add(attempt)
        presence.assign_call(session, agent, claim.attempt_id)
        assert presence.connect_agent(session, agent, claim.attempt_id, now)
    return attempt


@pytest.fixture
def setup(engine: Engine, clock: FakeClock) -> tuple[int, int, CallAttempt]:
    campaign_id = make_campaign(engine)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.wrap_up_seconds = 30
    add_people(engine, campaign_id, ["+33612340001", "+33612340002"])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    return campaign_id, agent, connected_call(engine, campaign_id, agent, clock.now)


def record(
    engine: Engine, attempt: CallAttempt, agent: int, form: OutcomeInput, now: datetime
) -> Outcome:
    with session_scope(engine) as session:
        return record_outcome(session, attempt.id or 0, agent, form, now=now)


def contact_of(engine: Engine, attempt: CallAttempt) -> CampaignContact:
    [contact] = rows(engine, CampaignContact, CampaignContact.id == attempt.contact_id)
    return contact


def test_opt_out_is_written_to_the_ledger_and_stops_every_call(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    campaign_id, agent, attempt = setup
    form = OutcomeInput(interview="refused", consent_changes={"call": "opt_out", "sms": "opt_in"})
    outcome = record(engine, attempt, agent, form, clock.now)
    assert outcome.consent_changes == {"call": "opt_out", "sms": "opt_in"}
    with Session(engine) as session:
        entries = history(session, attempt.person_id)
        assert {(e.channel, e.decision, e.source) for e in entries} == {
            ("call", "opt_out", "call_outcome"),
            ("sms", "opt_in", "call_outcome"),
        }
        assert {e.author for e in entries} == {f"agent{campaign_id}-0"}
        assert is_opted_out(session, attempt.person_id)
    contact = contact_of(engine, attempt)
    assert (contact.status, contact.done_reason) == ("done", "interview_refused")

    # The same person in another campaign, due now, is never selected again.
    other = make_campaign(engine, code="C2")
    with session_scope(engine) as session:
        session.add(CampaignContact(campaign_id=other, person_id=attempt.person_id))
    assert claim_contacts(engine, other, "worker-test", 5, clock.now + timedelta(days=90)) == []


def test_callback_in_the_person_time_zone_and_wrap_up(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    _, agent, attempt = setup
    clock.now = datetime(2026, 1, 14, 9, 0)  # 10:00 in Paris (UTC+1 in winter)
    form = OutcomeInput(interview="accepted", callback_local=datetime(2026, 1, 15, 15, 30))
    outcome = record(engine, attempt, agent, form, clock.now)
    assert outcome.callback_at == datetime(2026, 1, 15, 14, 30)  # naive UTC
    contact = contact_of(engine, attempt)
    assert contact.status == "pending" and contact.callback_at == datetime(2026, 1, 15, 14, 30)
    assert contact.retry_counts == {"callback": 1} and contact.lease_owner is None
    [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
    assert state.state == "wrap_up" and state.attempt_id is None
    assert state.wrap_up_until == clock.now + timedelta(seconds=30)
    with session_scope(engine) as session:
        assert presence.settle_wrap_ups(session, clock.now + timedelta(seconds=29)) == 0
        assert presence.settle_wrap_ups(session, clock.now + timedelta(seconds=31)) == 1
    [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
    assert state.state == "available" and state.since == clock.now + timedelta(seconds=30)


def test_contact_changes_are_validated_and_applied(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    _, agent, attempt = setup
    changes = {"phone": "06 98 76 54 32", "email": "Lea.Martin@Exemple.FR", "postal_code": "75011"}
    form = OutcomeInput(
        interview="accepted", offer="accepted", contact_changes=changes,
        followup_category="attestation", followup_text="Souhaite recevoir une attestation.",
    )  # fmt: skip
    outcome = record(engine, attempt, agent, form, clock.now)
    assert outcome.contact_changes == {
        "phone": "+33698765432", "email": "Lea.Martin@exemple.fr", "postal_code": "75011",
    }  # fmt: skip
    [person] = rows(engine, Person, Person.id == attempt.person_id)
    assert (person.phone_e164, person.email) == ("+33698765432", "Lea.Martin@exemple.fr")
    assert contact_of(engine, attempt).done_reason == "offer_accepted"


def test_wrong_person_finishes_the_contact(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    _, agent, attempt = setup
    record(engine, attempt, agent, OutcomeInput(wrong_person=True), clock.now)
    contact = contact_of(engine, attempt)
    assert (contact.status, contact.done_reason) == ("done", "wrong_person")


ACCEPTED = "accepted"
INVALID_FORMS = [
    (OutcomeInput(offer=ACCEPTED), "L'offre ne peut être renseignée"),
    (OutcomeInput(), "Indiquez si la personne"),
    (OutcomeInput(interview="maybe"), "Réponse à l'entretien inconnue"),
    (OutcomeInput(wrong_person=True, interview=ACCEPTED), "Erreur de personne"),
    (
        OutcomeInput(interview=ACCEPTED, contact_changes={"phone": "08 36 65 65 65"}),
        "Nouveau téléphone refusé",
    ),
    (OutcomeInput(interview=ACCEPTED, contact_changes={"nir": "1"}), "Coordonnée inconnue"),
    (
        OutcomeInput(interview="refused", consent_changes={"fax": "opt_out"}),
        "Canal de consentement",
    ),
    (OutcomeInput(callback_local=datetime(2020, 1, 1, 12, 0)), "dans le futur"),
    (
        OutcomeInput(callback_local=datetime(2099, 1, 1, 12), consent_changes={"call": "opt_out"}),
        "Un rappel est impossible",
    ),
]


@pytest.mark.parametrize(("form", "message"), INVALID_FORMS)
def test_invalid_outcome_is_refused_and_changes_nothing(
    engine: Engine,
    clock: FakeClock,
    setup: tuple[int, int, CallAttempt],
    form: OutcomeInput,
    message: str,
) -> None:
    _, agent, attempt = setup
    with pytest.raises(ValueError, match=message):
        record(engine, attempt, agent, form, clock.now)
    assert rows(engine, Outcome) == []
    assert contact_of(engine, attempt).status == "in_progress"
    [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
    assert (state.state, state.attempt_id) == ("on_call", attempt.id)


def test_only_the_agent_of_the_call_records_it_once(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    _, agent, attempt = setup
    with pytest.raises(ValueError, match="n'a pas été confié à cet agent"):
        record(engine, attempt, agent + 1, OutcomeInput(interview="refused"), clock.now)
    record(engine, attempt, agent, OutcomeInput(interview="refused"), clock.now)
    with pytest.raises(ValueError, match="déjà enregistré"):
        record(engine, attempt, agent, OutcomeInput(interview="refused"), clock.now)
    assert len(rows(engine, Outcome)) == 1


def test_an_outcome_written_during_the_call_keeps_the_agent_on_it_until_it_ends(
    engine: Engine, clock: FakeClock, setup: tuple[int, int, CallAttempt]
) -> None:
    campaign_id, agent, first = setup
    record(engine, first, agent, OutcomeInput(interview="accepted"), clock.now)
    with session_scope(engine) as session:
        presence.make_available(session, agent, clock.now)
    talking = connected_call(engine, campaign_id, agent, clock.now, ended=False)
    record(engine, talking, agent, OutcomeInput(interview="accepted"), clock.now)
    [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
    # The person is still on the line: no second call may reach this agent's phone.
    assert (state.state, state.attempt_id) == ("on_call", talking.id)
    clock.now += timedelta(minutes=2)
    CallRecorder(engine, clock).apply(_hang_up(talking.id or 0))
    [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
    assert state.state == "wrap_up" and state.attempt_id is None
    assert state.wrap_up_until == clock.now + timedelta(seconds=30)


def _hang_up(attempt_id: int) -> CallUpdate:
    """The person hung up: the update the AMI adapter hands the recorder."""
    return CallUpdate(
        attempt_id=str(attempt_id), channel_id=f"dialer-{attempt_id}", state=CallState.ENDED,
        result=CallResult.ANSWERED, reason="4", cause="16", tech_cause="", amd_status="",
        amd_cause="", waiting_for_agent=False, agent="", created_at=0.0, answered_at=None,
        connected_at=None, ended_at=None, at=0.0,
    )  # fmt: skip
