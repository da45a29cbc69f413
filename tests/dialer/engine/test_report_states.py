"""The agents' state history as presence writes it, and the report's time by state from it
(live, then rolled up), on SQLite and PostgreSQL; the retention purge of the history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.accounts.models import User
from dialer.accounts.state_history import AgentStateChange
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.compliance.privacy.retention import plan_purge, run_purge
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.reports import AgentLine, campaign_report, choose_period
from dialer.engine.reports.models import ReportAgentState
from tests.dialer.engine.calling.conftest import make_campaign

DAY = datetime(2026, 12, 1)  # Paris winter time: UTC+1


def _at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def _agent_and_call(engine: Engine, campaign_id: int) -> tuple[int, int]:
    with session_scope(engine) as db:
        user = User(username="occ1", full_name="Agent Occupé", role="agent",
                    phone_endpoint="902", password_hash="-")  # fmt: skip
        db.add(user)
        db.flush()
        db.add(CampaignAgent(campaign_id=campaign_id, user_id=user.id or 0, enabled_by="t"))
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        person = Person(audience="insured", identity_key="o1", fund_id=campaign.fund_id,
                        territory="metro", time_zone="Europe/Paris")  # fmt: skip
        db.add(person)
        db.flush()
        contact = CampaignContact(campaign_id=campaign_id, person_id=person.id or 0)
        db.add(contact)
        db.flush()
        attempt = CallAttempt(campaign_id=campaign_id, contact_id=contact.id or 0,
                              person_id=person.id or 0, worker_id="w",
                              number_e164="+33612000000", created_at=_at(8, 20))  # fmt: skip
        db.add(attempt)
        db.flush()
        return user.id or 0, attempt.id or 0


def _a_morning(engine: Engine) -> tuple[int, int]:
    """08:00-09:30 UTC: logs in, waits, takes one call, wraps up, pauses for coffee, leaves."""
    campaign_id = make_campaign(engine, code="OCC")
    user_id, attempt_id = _agent_and_call(engine, campaign_id)
    steps = [
        (_at(8), lambda db, t: presence.log_in(db, user_id, campaign_id, t)),
        (_at(8, 10), lambda db, t: presence.make_available(db, user_id, t)),
        (_at(8, 20), lambda db, t: presence.reserve_agent(db, campaign_id, t, "w")),
        (_at(8, 21), lambda db, t: presence.connect_agent(db, user_id, attempt_id, t)),
        (_at(8, 31), lambda db, t: presence.start_wrap_up(db, user_id, attempt_id, 60, t)),
        (_at(8, 40), lambda db, t: presence.settle_wrap_ups(db, t)),  # wrap-up ended 08:32
        (_at(8, 50), lambda db, t: presence.pause(db, user_id, "Pause café", t)),
        (_at(9, 20), lambda db, t: presence.make_available(db, user_id, t)),
        (_at(9, 30), lambda db, t: presence.log_out(db, user_id, t)),
    ]
    for at, step in steps:
        with session_scope(engine) as db:
            step(db, at)
    return campaign_id, user_id


def _line(engine: Engine, campaign_id: int, now: datetime) -> AgentLine:
    period = choose_period("jour", "01/12/2026", "", "", DAY.date())
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        [line] = campaign_report(db, campaign, period, now).agents
    return line


def test_every_change_of_presence_appends_one_row(engine: Engine) -> None:
    campaign_id, user_id = _a_morning(engine)
    with Session(engine) as db:
        rows = db.exec(select(AgentStateChange).order_by(col(AgentStateChange.id))).all()
    assert [(r.state, r.since, r.pause_reason) for r in rows] == [
        ("paused", _at(8), None),
        ("available", _at(8, 10), None),
        ("reserved", _at(8, 20), None),
        ("on_call", _at(8, 21), None),
        ("wrap_up", _at(8, 31), None),
        ("available", _at(8, 32), None),
        ("paused", _at(8, 50), "Pause café"),
        ("available", _at(9, 20), None),
        ("logged_out", _at(9, 30), None),  # names the campaign left
    ]
    assert {(r.user_id, r.campaign_id) for r in rows} == {(user_id, campaign_id)}


def test_a_stale_desk_click_leaves_no_row(engine: Engine) -> None:
    campaign_id, user_id = _a_morning(engine)
    with session_scope(engine) as db:
        presence.log_in(db, user_id, campaign_id, _at(10))
        presence.make_available(db, user_id, _at(10, 1))
    with session_scope(engine) as desk:
        seen = presence.presence_of(desk, user_id)
        assert seen.state == "available"
        with session_scope(engine) as worker:  # the worker holds the agent meanwhile
            presence.reserve_agent(worker, campaign_id, _at(10, 2), "w")
        with pytest.raises(presence.PresenceError):
            presence.pause(desk, user_id, "Formation", _at(10, 3))
    with Session(engine) as db:
        last = db.exec(select(AgentStateChange).order_by(col(AgentStateChange.id).desc())).first()
    assert last is not None and (last.state, last.since) == ("reserved", _at(10, 2))


def test_the_report_counts_time_by_state_live_then_rolled_up_the_same(engine: Engine) -> None:
    campaign_id, _ = _a_morning(engine)
    # At 09:00 UTC the coffee break is still going: it counts up to now.
    during = _line(engine, campaign_id, _at(9))
    assert during.time.paused == {"Sans motif": 600.0, "Pause café": 600.0}
    live = _line(engine, campaign_id, _at(11))  # nothing settled yet: all from the history
    assert live.time.paused == {"Sans motif": 600.0, "Pause café": 1800.0}
    assert live.time.available == (10 + 1 + 18 + 10) * 60.0
    assert (live.time.on_call, live.time.wrap_up) == (600.0, 60.0)
    assert live.time.occupancy == pytest.approx(11 / 50)
    rolled = _line(engine, campaign_id, DAY + timedelta(days=1, hours=9))
    with Session(engine) as db:
        stored = db.exec(select(ReportAgentState)).all()
    assert {(row.hour, row.heading, row.reason) for row in stored} >= {
        (_at(8), "paused", "Sans motif"), (_at(8), "paused", "Pause café"),
        (_at(9), "paused", "Pause café"), (_at(9), "available", ""),
    }  # fmt: skip
    assert rolled.time == live.time


def test_the_purge_deletes_changes_older_than_two_years(engine: Engine) -> None:
    campaign_id, user_id = _a_morning(engine)
    now = DAY + timedelta(days=731)
    with session_scope(engine) as db:
        db.add(AgentStateChange(user_id=user_id, campaign_id=campaign_id, state="available",
                                since=now - timedelta(days=1)))  # fmt: skip
    with Session(engine) as db:
        assert plan_purge(db, now).counts.agent_states == 9
    report = run_purge(engine, now)
    assert report.counts.agent_states == 9
    with Session(engine) as db:
        assert [row.since for row in db.exec(select(AgentStateChange))] == [now - timedelta(days=1)]
    assert "Changements d'état des agents effacés (plus de 2 ans) : 9" in report.text_fr()
