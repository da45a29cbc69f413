"""An outcome and its feed events are one transaction (outbox)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.compliance.feed.models import FeedEvent
from dialer.core.db import session_scope
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from tests.dialer.engine.calling.conftest import FakeClock, add_agents, add_people, make_campaign
from tests.dialer.engine.calling.test_outcomes import connected_call, record


@pytest.fixture
def answered_call(engine: Engine, clock: FakeClock) -> tuple[int, CallAttempt]:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001"])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    return agent, connected_call(engine, campaign_id, agent, clock.now)


def kinds(engine: Engine) -> list[str]:
    with Session(engine) as session:
        events = session.exec(select(FeedEvent).order_by(FeedEvent.seq)).all()  # type: ignore[arg-type]
        return [e.kind for e in events]


def test_every_outcome_reaches_the_fund_feed(
    engine: Engine, answered_call: tuple[int, CallAttempt], clock: FakeClock
) -> None:
    agent, attempt = answered_call
    form = OutcomeInput(
        interview="accepted",
        offer="refused",
        consent_changes={"sms": "opt_out"},
        contact_changes={"email": "nouvelle@exemple.fr"},
    )
    outcome = record(engine, attempt, agent, form, clock.now)
    assert kinds(engine) == [
        "interview_accepted", "offer_refused", "contact_change", "consent_change",
    ]  # fmt: skip
    with Session(engine) as session:
        seqs = [e.seq for e in session.exec(select(FeedEvent)).all()]
        owners = {e.outcome_id for e in session.exec(select(FeedEvent)).all()}
    assert sorted(seqs) == [1, 2, 3, 4]
    assert owners == {outcome.id}


def test_a_refused_outcome_leaves_no_event_behind(
    engine: Engine, answered_call: tuple[int, CallAttempt], clock: FakeClock
) -> None:
    agent, attempt = answered_call
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_outcome(session, attempt.id or 0, agent, OutcomeInput(interview="accepted"))
        raise RuntimeError("the transaction fails after the outcome")
    assert kinds(engine) == []
    with Session(engine) as session:
        assert session.exec(select(Outcome)).first() is None
