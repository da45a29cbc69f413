"""The campaign list: each campaign's progress, and the manager's filters and search.

Progress is read in one grouped query per figure for all the listed campaigns,
never one query per campaign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, distinct, func, or_
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.campaigns.reach import reached_condition
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import require_id
from telephony.results import CallResult

CENTRE_TIME_ZONE = "Europe/Paris"
SEARCH_MAX = 100


@dataclass(frozen=True)
class CampaignFilters:
    fund_id: int | None = None
    status: str | None = None
    theme: str | None = None
    search: str = ""


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    fund: Fund
    contacts: int
    remaining: int  # not done yet
    reached: int  # contacts reached at least once
    attempts_reached_today: int
    abandoned_today: int

    @property
    def reached_ratio(self) -> float | None:
        return self.reached / self.contacts if self.contacts else None

    @property
    def abandon_ratio_today(self) -> float | None:
        if not self.attempts_reached_today:
            return None
        return self.abandoned_today / self.attempts_reached_today


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` literally anywhere (% _ and \\ escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def day_start_utc(now: datetime, time_zone: str = CENTRE_TIME_ZONE) -> datetime:
    zone = ZoneInfo(time_zone)
    local_day = now.replace(tzinfo=UTC).astimezone(zone).date()
    return datetime.combine(local_day, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _where(filters: CampaignFilters) -> list[Any]:
    where: list[Any] = []
    if filters.fund_id is not None:
        where.append(col(Campaign.fund_id) == filters.fund_id)
    if filters.status:
        where.append(col(Campaign.status) == filters.status)
    if filters.theme:
        where.append(col(Campaign.theme) == filters.theme)
    if filters.search:
        pattern = like_pattern(filters.search.lower())
        where.append(
            or_(
                func.lower(col(Campaign.code)).like(pattern, escape="\\"),
                func.lower(col(Campaign.name)).like(pattern, escape="\\"),
            )
        )
    return where


def _grouped(session: Session, query: Any) -> dict[int, tuple[int, ...]]:
    return {int(row[0]): tuple(int(v or 0) for v in row[1:]) for row in session.exec(query).all()}


def _contact_counts(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    not_done = case((col(CampaignContact.status) != ContactStatus.DONE.value, 1), else_=0)
    return _grouped(
        session,
        select(CampaignContact.campaign_id, func.count(), func.sum(not_done))
        .where(col(CampaignContact.campaign_id).in_(ids))
        .group_by(col(CampaignContact.campaign_id)),
    )


def _reached(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    return _grouped(
        session,
        select(CallAttempt.campaign_id, func.count(distinct(col(CallAttempt.contact_id))))
        .where(col(CallAttempt.campaign_id).in_(ids), reached_condition())
        .group_by(col(CallAttempt.campaign_id)),
    )


def _today(session: Session, ids: Sequence[int], since: datetime) -> dict[int, tuple[int, ...]]:
    abandoned = case((col(CallAttempt.result) == CallResult.ABANDONED.value, 1), else_=0)
    return _grouped(
        session,
        select(CallAttempt.campaign_id, func.count(), func.sum(abandoned))
        .where(
            col(CallAttempt.campaign_id).in_(ids),
            col(CallAttempt.created_at) >= since,
            reached_condition(),
        )
        .group_by(col(CallAttempt.campaign_id)),
    )


def list_campaigns(
    session: Session, filters: CampaignFilters, now: datetime
) -> list[CampaignProgress]:
    rows = session.exec(
        select(Campaign, Fund)
        .join(Fund, col(Fund.id) == col(Campaign.fund_id))
        .where(*_where(filters))
        .order_by(col(Campaign.created_at).desc(), col(Campaign.id).desc())
    ).all()
    ids = [require_id(campaign) for campaign, _ in rows]
    if not ids:
        return []
    contacts = _contact_counts(session, ids)
    reached = _reached(session, ids)
    today = _today(session, ids, day_start_utc(now))
    found = []
    for campaign, fund in rows:
        cid = require_id(campaign)
        total, remaining = contacts.get(cid, (0, 0))
        reached_today, abandoned = today.get(cid, (0, 0))
        found.append(
            CampaignProgress(
                campaign,
                fund,
                total,
                remaining,
                reached.get(cid, (0,))[0],
                reached_today,
                abandoned,
            )  # fmt: skip
        )
    return found
