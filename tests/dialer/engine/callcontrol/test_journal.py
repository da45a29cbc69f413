"""Call control in the database, on SQLite and PostgreSQL: every action and refusal kept in
the call's record and the access trail, a transfer to the fund fed as a follow-up, and the
supervisor's wall and alerts read from what the desks write."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import CampaignAgent
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.supervision import DestinationKind
from dialer.campaigns.waves.lifecycle import schedule_wave, start_wave
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.engine.callcontrol import alerts, journal, wall
from dialer.engine.callcontrol.models import CallControlEntry, ControlAction
from dialer.engine.calling import presence


def _floor(db: Session) -> tuple[CallAttempt, User, int]:
    fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
    campaign = create_campaign(db, "GRIPPE-1", "Grippe 2026", "flu_vaccination", fund, "0140000000")
    agent = User(username="agent1", full_name="Agent Un", role="agent", password_hash="x",
                 phone_endpoint="901")  # fmt: skip
    db.add(agent)
    person = Person(audience="insured", identity_key="p1", fund_id=fund.id or 0,
                    last_name="Quintal", first_name="Josiane", phone_e164="+33612345678",
                    territory="metro", time_zone="Europe/Paris")  # fmt: skip
    db.add(person)
    db.flush()
    contact = CampaignContact(campaign_id=campaign.id or 0, person_id=person.id or 0,
                              row_ref="L-0042")  # fmt: skip
    db.add(contact)
    db.flush()
    attempt = CallAttempt(campaign_id=campaign.id or 0, contact_id=contact.id or 0,
                          person_id=person.id or 0, worker_id="w", number_e164="+33612345678",
                          agent_user_id=agent.id, state="connected", channel_id="dialer-1",
                          result=None)  # fmt: skip
    db.add(attempt)
    db.flush()
    db.add(CampaignAgent(campaign_id=campaign.id or 0, user_id=agent.id or 0, enabled_by="t"))
    now = utcnow()
    presence.log_in(db, agent.id or 0, campaign.id or 0, now)
    presence.make_available(db, agent.id or 0, now)
    presence.connect_agent(db, agent.id or 0, attempt.id or 0, now)
    db.commit()
    return attempt, agent, campaign.id or 0


def test_actions_and_refusals_are_kept(engine: Engine) -> None:
    with Session(engine) as db:
        attempt, agent, campaign_id = _floor(db)
        fund = journal.add_destination(db, campaign_id, "Caisse", "+33198765432",
                                       DestinationKind.FUND)  # fmt: skip
        journal.add_destination(db, campaign_id, "Chef", "905", DestinationKind.SUPERVISOR)
        actor = journal.Actor(agent.id or 0, "agent1", "agent", "127.0.0.1")
        (chosen,) = [d for d in journal.destinations_of(db, campaign_id) if d.id == fund.id]
        journal.record_done(db, attempt, actor, ControlAction.HOLD)
        journal.record_done(db, attempt, actor, ControlAction.BLIND_TRANSFER, chosen)
        journal.record_refused(db, attempt, actor, ControlAction.LISTEN, "pas habilité")
        db.commit()
        entries = journal.control_history(db, attempt.id or 0)
        assert [(e.action, e.destination, e.refused) for e in entries] == [
            ("hold", None, None), ("blind_transfer", "Caisse", None),
            ("listen", None, "pas habilité"),
        ]  # fmt: skip
        trail = db.exec(select(AccessEntry).where(AccessEntry.attempt_id == attempt.id)).all()
        assert [(e.action, e.person_id) for e in trail] == [
            ("call_control", attempt.person_id), ("call_control", attempt.person_id),
            ("refused", attempt.person_id),
        ]  # fmt: skip
        assert all(e.fields == ["conversation"] for e in trail)
        (followup,) = db.exec(select(FeedEvent)).all()
        assert (followup.kind, followup.payload["source"]) == ("followup_request", "call_transfer")
        assert db.exec(select(CallControlEntry)).all()  # stored with the call


def test_the_wall_shows_a_reference_and_raises_alerts(engine: Engine) -> None:
    with Session(engine) as db:
        attempt, agent, campaign_id = _floor(db)
        now = utcnow()
        (row,) = wall.agent_rows(db, [campaign_id], now + timedelta(seconds=30))
        assert (row.state, row.person_ref, row.attempt_id) == ("on_call", "L-0042", attempt.id)
        assert row.seconds_in_state >= 30 and "Quintal" not in repr(row)
        assert wall.agent_rows(db, [], now) == []

        alerts.ask_help(db, agent.id or 0, campaign_id, attempt.id, now)
        alerts.ask_help(db, agent.id or 0, campaign_id, attempt.id, now)  # once is enough
        db.commit()
        rows = wall.agent_rows(db, [campaign_id], now)
        assert [a.kind for a in alerts.alerts(db, [campaign_id], rows, now)] == ["help"]
        assert alerts.take_help(db, agent.id or 0, "chef", now) == 1

        # Half of the reached calls abandoned against a 3 % target: the wall warns.
        for n, result in enumerate(("abandoned", "answered")):
            db.add(CallAttempt(campaign_id=campaign_id, contact_id=attempt.contact_id,
                               person_id=attempt.person_id, worker_id="w",
                               number_e164=f"+3361234567{n}", result=result))  # fmt: skip
        db.commit()
        rows = wall.agent_rows(db, [campaign_id], now)
        (abandon,) = alerts.alerts(db, [campaign_id], rows, now)
        assert abandon.kind == "abandon" and "50,0" in abandon.text

        paused = wall.WallRow(
            1, "Agent Deux", "paused", 20 * 60, campaign_id, "", None, None, False
        )
        found = alerts.alerts(db, [], [paused], now)
        assert [a.text for a in found] == ["Agent Deux est en pause depuis 20 min"]


def test_wave_progress_counts_done_members(engine: Engine) -> None:
    with Session(engine) as db:
        attempt, _, campaign_id = _floor(db)
        start = utcnow() + timedelta(minutes=1)
        wave = schedule_wave(db, campaign_id, "Vague 1", start, start + timedelta(hours=2))
        assert wall.wave_progress(db, [campaign_id]) == []  # scheduled, not yet running
        start_wave(db, wave.id or 0, start)
        contact = db.get(CampaignContact, attempt.contact_id)
        assert contact is not None
        contact.status = ContactStatus.DONE
        db.add(contact)
        db.commit()
        (progress,) = wall.wave_progress(db, [campaign_id])
        assert (progress.name, progress.members, progress.done) == ("Vague 1", 1, 1)
