"""Retention: what the next purge will remove, and the purge itself.

Nothing is kept more than two years after a person's last activity (the
notice's limit). Some data lives shorter: the provisional ameli code is useless
once its campaign is closed or the code has expired, so it goes then. The agents'
state history (staff's personal data: when they paused and why) lives as long as
the calls the reports count, ``inactive_days`` after each change. A person
under limitation of processing is kept as is: limitation exists precisely so
that data the person needs is not erased.

The purge runs in batches, each its own transaction with its own trail entry,
so an interrupted run loses nothing and the next run finishes the job.
``plan_purge`` counts with the same conditions the purge acts on, so the report
the DPO reads is what the purge then does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.accounts.state_history import AgentStateChange
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.anonymise import (
    PERSONAL_COLUMNS,
    anonymise_people,
    drop_theme_secret,
)
from dialer.compliance.privacy.register_rules import DPO_TIME_ZONE
from dialer.compliance.privacy.rollup import roll_up
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.themes import get_theme
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.core.french import datetime_fr, number_fr

# Cleared with the person (see dialer.compliance.privacy.anonymise), named in the trail entry.
_CLEARED_ELSEWHERE = ("theme_data", "row_ref", "followup_text", "contact_changes", "number_e164")


@dataclass(frozen=True)
class RetentionPolicy:
    inactive_days: int = 730
    import_report_days: int = 730
    batch_size: int = 500
    code_theme: str = "ameli_account"
    code_field: str = "provisional_code"


@dataclass
class PurgeCounts:
    people: int = 0
    contacts: int = 0
    attempts: int = 0
    outcomes: int = 0
    feed_events: int = 0
    provisional_codes: int = 0
    reject_reports: int = 0
    agent_states: int = 0

    def add(self, other: PurgeCounts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def lines_fr(self) -> list[str]:
        return [
            f"Personnes anonymisées (inactives depuis plus de 2 ans) : {number_fr(self.people)}",
            f"  dont fiches de campagne vidées : {number_fr(self.contacts)}",
            f"  dont tentatives d'appel (numéro effacé) : {number_fr(self.attempts)}",
            "  dont résultats d'appel (texte libre et coordonnées effacés) : "
            f"{number_fr(self.outcomes)}",
            f"  dont événements du flux (identifiants effacés) : {number_fr(self.feed_events)}",
            f"Codes provisoires ameli supprimés (campagne close ou code expiré) : "
            f"{number_fr(self.provisional_codes)}",
            f"Rapports de rejets d'import effacés : {number_fr(self.reject_reports)}",
            "Changements d'état des agents effacés (plus de 2 ans) : "
            f"{number_fr(self.agent_states)}",
        ]

    def detail_fr(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in asdict(self).items() if value)


@dataclass
class PurgePlan:
    cutoff: datetime
    counts: PurgeCounts
    limited_kept: int

    def text_fr(self) -> str:
        # The DPO reads the plan on the pages and the CLI: on the centre's clock.
        cutoff = datetime_fr(self.cutoff, DPO_TIME_ZONE.key)
        lines = [f"Purge prévue (activité antérieure au {cutoff}, heure de Paris) :"]
        lines += self.counts.lines_fr()
        lines.append(f"Personnes conservées car sous limitation : {number_fr(self.limited_kept)}")
        return "\n".join(lines)


@dataclass
class PurgeReport:
    counts: PurgeCounts = field(default_factory=PurgeCounts)
    stat_rows: int = 0
    trail_entry_ids: list[int] = field(default_factory=list)

    def text_fr(self) -> str:
        lines = ["Purge effectuée :", *self.counts.lines_fr()]
        lines.append(f"Lignes de statistiques anonymes alimentées : {self.stat_rows}")
        return "\n".join(lines)


def _expired(now: datetime, policy: RetentionPolicy, limited: bool = False) -> list[Any]:
    cutoff = now - timedelta(days=policy.inactive_days)
    return [
        col(Person.anonymised_at).is_(None),
        col(Person.last_activity_at) < cutoff,
        col(Person.limited).is_(limited),
    ]


def _count(session: Session, model: Any, where: ColumnElement[bool]) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(where)).one())


def _counts_for(session: Session, people: Any) -> PurgeCounts:
    """What anonymising ``people`` (ids, or a subquery of ids) touches."""
    return PurgeCounts(
        people=_count(session, Person, col(Person.id).in_(people)),
        contacts=_count(session, CampaignContact, col(CampaignContact.person_id).in_(people)),
        attempts=_count(session, CallAttempt, col(CallAttempt.person_id).in_(people)),
        outcomes=_count(session, Outcome, col(Outcome.person_id).in_(people)),
        feed_events=_count(session, FeedEvent, col(FeedEvent.person_id).in_(people)),
    )


def _old_reports(now: datetime, policy: RetentionPolicy) -> list[Any]:
    cutoff = now - timedelta(days=policy.import_report_days)
    return [col(ImportJob.started_at) < cutoff, col(ImportJob.reject_report).is_not(None)]


def _old_agent_states(now: datetime, policy: RetentionPolicy) -> ColumnElement[bool]:
    return col(AgentStateChange.since) < now - timedelta(days=policy.inactive_days)


def plan_purge(session: Session, now: datetime, policy: RetentionPolicy | None = None) -> PurgePlan:
    """Counts of what ``run_purge(now, policy)`` would remove, without personal data."""
    rules = policy or RetentionPolicy()
    counts = _counts_for(session, select(Person.id).where(*_expired(now, rules)))
    after: int | None = 0
    while after is not None:
        after, page = _code_page(session, now.date(), rules, after)
        counts.provisional_codes += len(page)
    counts.reject_reports = _count(session, ImportJob, and_(*_old_reports(now, rules)))
    counts.agent_states = _count(session, AgentStateChange, _old_agent_states(now, rules))
    limited = _count(session, Person, and_(*_expired(now, rules, limited=True)))
    return PurgePlan(now - timedelta(days=rules.inactive_days), counts, limited)


def run_purge(
    engine: Engine, now: datetime, policy: RetentionPolicy | None = None, actor: str = "retention"
) -> PurgeReport:
    """Apply retention as of ``now`` (naive UTC); each batch commits with its trail entry."""
    rules = policy or RetentionPolicy()
    report = PurgeReport()
    after: int | None = 0
    while after is not None:
        with session_scope(engine) as session:
            after, page = _code_page(session, now.date(), rules, after)
            for contact_id, data in page:
                drop_theme_secret(session, contact_id, data, rules.code_field)
            if page:
                done = PurgeCounts(provisional_codes=len(page))
                _trace(session, report, actor, done, [rules.code_field])
    while _purge_people_batch(engine, now, rules, actor, report):
        pass
    with session_scope(engine) as session:
        cleared = cast(
            CursorResult[Any],
            session.execute(
                update(ImportJob).where(*_old_reports(now, rules)).values(reject_report=None)
            ),
        )
        states = cast(
            CursorResult[Any],
            session.execute(delete(AgentStateChange).where(_old_agent_states(now, rules))),
        )
        done = PurgeCounts(
            reject_reports=int(cleared.rowcount or 0), agent_states=int(states.rowcount or 0)
        )
        fields = ["reject_report"] if done.reject_reports else []
        fields += ["agentstatechange"] if done.agent_states else []
        if fields or not report.trail_entry_ids:
            # Recorded even when nothing went, as evidence that retention ran.
            _trace(session, report, actor, done, fields)
    return report


def _purge_people_batch(
    engine: Engine, now: datetime, rules: RetentionPolicy, actor: str, report: PurgeReport
) -> bool:
    with session_scope(engine) as session:
        person_ids = _claim_people(session, now, rules)
        if not person_ids:
            return False
        done = _counts_for(session, person_ids)
        report.stat_rows += roll_up(session, person_ids, now.date())
        anonymise_people(session, person_ids, now)
        _trace(session, report, actor, done, [*PERSONAL_COLUMNS, *_CLEARED_ELSEWHERE])
    return True


def _claim_people(session: Session, now: datetime, rules: RetentionPolicy) -> list[int]:
    """Mark a batch as anonymised in one statement and return its ids.

    The UPDATE takes the write lock (SQLite) or the row locks (PostgreSQL) before
    anything is counted, so two purges running at once never roll up the same
    person twice: the second skips rows the first has claimed.
    """
    batch = (
        select(Person.id).where(*_expired(now, rules)).order_by(col(Person.id))
        .limit(rules.batch_size)
    )  # fmt: skip
    claimed = session.execute(
        update(Person)
        .where(col(Person.id).in_(batch), col(Person.anonymised_at).is_(None))
        .values(anonymised_at=now)
        .returning(col(Person.id))
        .execution_options(synchronize_session=False)
    )
    return sorted(int(person_id) for person_id in claimed.scalars())


def _trace(
    session: Session, report: PurgeReport, actor: str, done: PurgeCounts, fields: list[str]
) -> None:
    entry = record_access(
        session,
        actor=actor,
        actor_role="system",
        action=TrailAction.PURGE,
        person_id=None,
        fields=fields,
        detail="purge de conservation : " + (done.detail_fr() or "rien à purger"),
    )
    report.counts.add(done)
    report.trail_entry_ids.append(require_id(entry))


def _code_page(
    session: Session, today: date, policy: RetentionPolicy, after_id: int
) -> tuple[int | None, list[tuple[int, dict[str, Any]]]]:
    """One page of contacts of the code theme: (next page's start or None, codes to drop)."""
    theme = get_theme(policy.code_theme)
    rows = session.exec(
        select(CampaignContact.id, CampaignContact.theme_data, Campaign.status)
        .join(Campaign, col(Campaign.id) == col(CampaignContact.campaign_id))
        .where(col(Campaign.theme) == policy.code_theme, col(CampaignContact.id) > after_id)
        .order_by(col(CampaignContact.id))
        .limit(policy.batch_size)
    ).all()
    if not rows:
        return None, []
    due = [
        (contact_id or 0, dict(data or {}))
        for contact_id, data, status in rows
        if (data or {}).get(policy.code_field)
        and (status == CampaignStatus.CLOSED or _expired_code(theme.expiry(data or {}), today))
    ]
    return rows[-1][0], due


def _expired_code(expiry: date | None, today: date) -> bool:
    return expiry is not None and expiry < today
