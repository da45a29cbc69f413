"""A campaign's live figures, each one aggregate query over the day's rows.

"Today" is the commissioning fund's calendar day, so a Réunion campaign's day
starts at Réunion midnight. Rates are None until they have a denominator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, cast, func
from sqlalchemy import select as sql_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.reach import reached_condition
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import require_id

BUCKET_S = 15 * 60
AGENT_STATES = ("available", "reserved", "on_call", "wrap_up", "paused")


@dataclass
class LiveSnapshot:
    at: str
    day_start: str  # UTC ISO: the chart's x origin
    time_zone: str
    calls_in_progress: int
    agents: dict[str, int]
    attempts_today: int
    answered_today: int
    abandoned_today: int
    outcomes_today: dict[str, int]
    answer_rate: float | None
    acceptance_rate: float | None
    abandon_rate: float | None
    abandon_target: float
    left_to_call: int
    # Answering machines: counted apart, never as answered (``campaigns.reach``).
    machines_today: int = 0
    per_quarter: list[int] = field(default_factory=list)  # attempts per 15 min since day start

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def day_start_utc(time_zone: str, now: datetime) -> datetime:
    """Midnight of ``now``'s local day in ``time_zone``, as naive UTC."""
    zone = ZoneInfo(time_zone)
    local_day = now.replace(tzinfo=UTC).astimezone(zone).date()
    midnight = datetime.combine(local_day, time(0), tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _attempt_counts(
    db: Session, campaign_id: int, since: datetime
) -> tuple[int, int, int, int, int]:
    """(attempts, ended, reached, abandoned, machines) since ``since``; reached per
    ``campaigns.reach``."""
    row = db.execute(
        sql_select(
            func.count(),
            _count_if(col(CallAttempt.result).is_not(None)),
            _count_if(reached_condition()),
            _count_if(col(CallAttempt.result) == "abandoned"),
            _count_if(col(CallAttempt.result) == "machine"),
        ).where(col(CallAttempt.campaign_id) == campaign_id, col(CallAttempt.created_at) >= since)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4])


def _outcome_counts(db: Session, campaign_id: int, since: datetime) -> dict[str, int]:
    row = db.execute(
        sql_select(
            func.count(),
            _count_if(col(Outcome.interview) == "accepted"),
            _count_if(col(Outcome.interview) == "refused"),
            _count_if(col(Outcome.offer) == "accepted"),
            _count_if(col(Outcome.offer) == "refused"),
        ).where(col(Outcome.campaign_id) == campaign_id, col(Outcome.created_at) >= since)
    ).one()
    keys = ("total", "interview_accepted", "interview_refused", "offer_accepted", "offer_refused")
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def _agents(db: Session, campaign_id: int) -> dict[str, int]:
    rows = db.exec(
        select(AgentPresence.state, func.count())
        .where(AgentPresence.campaign_id == campaign_id)
        .group_by(col(AgentPresence.state))
    ).all()
    found = {state: int(count) for state, count in rows}
    return {state: found.get(state, 0) for state in AGENT_STATES}


def _bucket(dialect: str, since: datetime) -> Any:
    created = col(CallAttempt.created_at)
    seconds: Any
    if dialect == "postgresql":
        seconds = func.extract("epoch", created - since)
    else:
        seconds = (func.julianday(created) - func.julianday(since)) * 86400
    return cast(func.floor(seconds / BUCKET_S), Integer)


def _per_quarter(db: Session, campaign_id: int, since: datetime, now: datetime) -> list[int]:
    bucket = _bucket(db.get_bind().dialect.name, since).label("bucket")
    rows = db.exec(
        select(bucket, func.count())
        .where(CallAttempt.campaign_id == campaign_id, col(CallAttempt.created_at) >= since)
        .group_by(bucket)
    ).all()
    slots = max(1, int((now - since).total_seconds() // BUCKET_S) + 1)
    counts = [0] * slots
    for index, count in rows:
        if index is not None and 0 <= int(index) < slots:
            counts[int(index)] = int(count)
    return counts


def _scalar(db: Session, query: Any) -> int:
    return int(db.exec(query).one())


def take_snapshot(db: Session, campaign: Campaign, now: datetime) -> LiveSnapshot:
    fund = db.get(Fund, campaign.fund_id)
    zone = fund.time_zone if fund is not None else "Europe/Paris"
    since = day_start_utc(zone, now)
    cid = require_id(campaign)
    attempts, ended, answered, abandoned, machines = _attempt_counts(db, cid, since)
    outcomes = _outcome_counts(db, cid, since)
    offers = outcomes["offer_accepted"] + outcomes["offer_refused"]
    in_progress = select(func.count()).select_from(CallAttempt)
    in_progress = in_progress.where(
        CallAttempt.campaign_id == cid, col(CallAttempt.result).is_(None)
    )
    left = select(func.count()).select_from(CampaignContact)
    left = left.where(
        CampaignContact.campaign_id == cid, CampaignContact.status != ContactStatus.DONE
    )
    return LiveSnapshot(
        at=now.isoformat(timespec="seconds"),
        day_start=since.isoformat(timespec="seconds"),
        time_zone=zone,
        calls_in_progress=_scalar(db, in_progress),
        agents=_agents(db, cid),
        attempts_today=attempts,
        answered_today=answered,
        abandoned_today=abandoned,
        outcomes_today=outcomes,
        answer_rate=_ratio(answered, ended),
        acceptance_rate=_ratio(outcomes["offer_accepted"], offers),
        abandon_rate=_ratio(abandoned, answered),
        abandon_target=campaign.abandon_target,
        left_to_call=_scalar(db, left),
        machines_today=machines,
        per_quarter=_per_quarter(db, cid, since, now),
    )
