"""Retention: anonymisation after two years, short-lived codes, counts kept, plan = purge."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.models import Campaign
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.privacy.anonymise import PERSONAL_COLUMNS
from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.models import AccessEntry, DailyStat
from dialer.compliance.privacy.retention import PurgeReport, RetentionPolicy, plan_purge, run_purge
from dialer.compliance.privacy.scheduling import JOB_ID, schedule_retention
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.columns import utcnow  # fmt: skip
from dialer.core.db import session_scope
from tests.dialer.compliance.privacy.conftest import World


def _age(engine: Engine, person_id: int, last_activity: datetime, limited: bool = False) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Person)
            .where(col(Person.id) == person_id)
            .values(last_activity_at=last_activity, limited=limited)
        )


def _history(engine: Engine, world: World, person_id: int, at: datetime) -> None:
    """Two calls (one answered) and an outcome with free text, changes and an opt-out."""
    campaign_id = world.campaigns["flu_vaccination"]
    with session_scope(engine) as session:
        contact = session.exec(
            select(CampaignContact).where(CampaignContact.person_id == person_id)
        ).one()
        for result in ("no_answer", "answered"):
            session.add(
                CallAttempt(
                    campaign_id=campaign_id, contact_id=contact.id or 0, person_id=person_id,
                    worker_id="w1", number_e164="+33612345678", state="ended", result=result,
                    created_at=at,
                )
            )  # fmt: skip
        session.add(
            Outcome(
                contact_id=contact.id or 0, campaign_id=campaign_id, person_id=person_id,
                interview="accepted", offer="refused", followup_text="Rappeler après 18 h",
                contact_changes={"email": "nouvelle@exemple.fr"},
                consent_changes={"call": "opt_out"}, created_at=at,
            )
        )  # fmt: skip
        emit_event(
            session, world.fund_id, "rectification", {"field": "email", "value": "n@ex.fr"},
            campaign_id=campaign_id, person_id=person_id,
        )  # fmt: skip


def test_purge_anonymises_after_two_years_and_keeps_counts(engine: Engine, world: World) -> None:
    now = utcnow()
    old, recent, limited = world.person_ids(engine, "flu_vaccination")[:3]
    _age(engine, old, now - timedelta(days=731))
    _age(engine, recent, now - timedelta(days=729))
    _age(engine, limited, now - timedelta(days=900), limited=True)
    call_day = now - timedelta(days=750)
    _history(engine, world, old, call_day)
    with Session(engine) as session:
        before = session.get(Person, old)
        assert before is not None and before.last_name
        old_name, old_territory = before.last_name, before.territory
        plan = plan_purge(session, now)
    assert (plan.counts.people, plan.counts.contacts, plan.limited_kept) == (1, 1, 1)
    assert (plan.counts.attempts, plan.counts.outcomes, plan.counts.feed_events) == (2, 1, 1)
    assert old_name not in plan.text_fr()

    report = run_purge(engine, now)

    assert report.counts == plan.counts
    with Session(engine) as session:
        person = session.get(Person, old)
        assert person is not None
        assert all(getattr(person, name) is None for name in PERSONAL_COLUMNS)
        assert person.identity_key.startswith("anon:") and person.anonymised_at == now
        assert (person.territory, person.audience) == (old_territory, "insured")
        contact = session.exec(
            select(CampaignContact).where(CampaignContact.person_id == old)
        ).one()
        assert contact.theme_data == {} and contact.row_ref is None
        outcome = session.exec(select(Outcome).where(Outcome.person_id == old)).one()
        assert outcome.followup_text is None and outcome.contact_changes == {}
        assert outcome.offer == "refused"  # the result itself is not personal
        numbers = session.exec(select(CallAttempt.number_e164).where(CallAttempt.person_id == old))
        assert set(numbers) == {""}
        event = session.exec(select(FeedEvent).where(FeedEvent.person_id == old)).one()
        assert not {"nir_sealed", "value", "row_ref"} & set(event.payload)
        for kept_id in (recent, limited):
            kept = session.get(Person, kept_id)
            assert (
                kept is not None and kept.last_name and kept.nir_cipher and not kept.anonymised_at
            )

        stats = {(s.day, s.campaign_id): s for s in session.exec(select(DailyStat))}
        flu = world.campaigns["flu_vaccination"]
        calls = stats[(call_day.date(), flu)]
        assert (calls.calls, calls.reached, calls.interviews_accepted) == (2, 1, 1)
        assert (calls.offers_refused, calls.opted_out, calls.fund_id) == (1, 1, world.fund_id)
        assert stats[(now.date(), flu)].purged_people == 1

        entries = list(session.exec(select(AccessEntry).where(AccessEntry.action == "purge")))
        assert verify_chain(session) == []
    assert [e.id for e in entries] == report.trail_entry_ids
    assert all(e.person_id is None and old_name not in (e.detail or "") for e in entries)
    assert "people=1" in (entries[-1].detail or "")

    again = run_purge(engine, now)
    assert again.counts.people == 0 and again.stat_rows == 0


def _codes(engine: Engine, world: World) -> list[bool]:
    with Session(engine) as session:
        contacts = session.exec(
            select(CampaignContact)
            .where(CampaignContact.campaign_id == world.campaigns["ameli_account"])
            .order_by(col(CampaignContact.id))
        )
        return [bool((c.theme_data or {}).get("provisional_code")) for c in contacts]


def test_provisional_codes_go_when_the_campaign_closes(engine: Engine, world: World) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Campaign)
            .where(col(Campaign.id) == world.campaigns["ameli_account"])
            .values(status="closed")
        )
    now = utcnow()
    with Session(engine) as session:
        assert plan_purge(session, now).counts.provisional_codes == 6
    report = run_purge(engine, now)
    assert report.counts.provisional_codes == 6 and report.counts.people == 0
    assert _codes(engine, world) == [False] * 6
    with Session(engine) as session:
        contact = session.exec(
            select(CampaignContact).where(
                CampaignContact.campaign_id == world.campaigns["ameli_account"]
            )
        ).first()
        assert contact is not None and "provisional_code_expiry" in contact.theme_data


def test_expired_provisional_code_goes_alone(engine: Engine, world: World) -> None:
    now = utcnow()
    with session_scope(engine) as session:
        contact = session.exec(
            select(CampaignContact)
            .where(CampaignContact.campaign_id == world.campaigns["ameli_account"])
            .order_by(col(CampaignContact.id))
        ).first()
        assert contact is not None
        yesterday = (now.date() - timedelta(days=1)).isoformat()
        contact.theme_data = {**contact.theme_data, "provisional_code_expiry": yesterday}
        session.add(contact)
    with Session(engine) as session:
        plan = plan_purge(session, now)
    assert plan.counts.provisional_codes == 1
    assert run_purge(engine, now, actor="dpo1").counts == plan.counts
    assert _codes(engine, world) == [False] + [True] * 5


def test_old_reject_reports_are_cleared(engine: Engine, world: World) -> None:
    now = utcnow()
    with session_scope(engine) as session:
        session.add(
            ImportJob(
                campaign_id=world.campaigns["flu_vaccination"], filename="vieux.csv",
                sha256="0" * 64, reject_report="ligne 2;DUPONT;NIR invalide",
                started_at=now - timedelta(days=800),
            )
        )  # fmt: skip
    with Session(engine) as session:
        assert plan_purge(session, now).counts.reject_reports == 1
    assert run_purge(engine, now).counts.reject_reports == 1
    with Session(engine) as session:
        reports = session.exec(
            select(ImportJob.reject_report).where(ImportJob.filename == "vieux.csv")
        )
        assert list(reports) == [None]


def test_nothing_to_purge_still_leaves_a_trace(engine: Engine, world: World) -> None:
    report = run_purge(engine, utcnow())
    assert report.counts.people == 0 and len(report.trail_entry_ids) == 1
    with Session(engine) as session:
        entry = session.get(AccessEntry, report.trail_entry_ids[0])
        assert entry is not None and "rien à purger" in (entry.detail or "")


def test_daily_job_is_registered(engine: Engine) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start(paused=True)  # pending jobs are only replaced once started
    try:
        job = schedule_retention(scheduler, engine, hour=3, minute=15)
        again = schedule_retention(scheduler, lambda: engine)
        assert job.id == again.id == JOB_ID
        assert [j.id for j in scheduler.get_jobs()] == [JOB_ID]
    finally:
        scheduler.shutdown(wait=False)
    assert "hour='2'" in str(again.trigger) and "minute='30'" in str(again.trigger)
    again.func()  # the job itself runs a purge against the engine
    with Session(engine) as session:
        actions = list(session.exec(select(AccessEntry.action)))
    assert actions == ["purge"]


def test_two_purges_at_once_count_each_person_once(engine: Engine, world: World) -> None:
    now = utcnow()
    call_day = now - timedelta(days=800)
    people = world.person_ids(engine, "flu_vaccination")[:4]
    for person_id in people:
        _age(engine, person_id, now - timedelta(days=740))
        _history(engine, world, person_id, call_day)
    reports: list[PurgeReport] = []
    errors: list[BaseException] = []

    def purge() -> None:
        try:
            reports.append(run_purge(engine, now, RetentionPolicy(batch_size=1)))
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(report.counts.people for report in reports) == 4
    with Session(engine) as session:
        stat = session.get(DailyStat, (call_day.date(), world.campaigns["flu_vaccination"]))
        purged = session.get(DailyStat, (now.date(), world.campaigns["flu_vaccination"]))
        assert verify_chain(session) == []
    assert stat is not None and (stat.calls, stat.reached, stat.opted_out) == (8, 4, 4)
    assert purged is not None and purged.purged_people == 4
