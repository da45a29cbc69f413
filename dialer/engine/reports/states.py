"""Agents' time by state, read from the state history (live hours) or its rollup.

A campaign's history reads through ``(campaign_id, since)`` for the period, plus
each agent's last change before it through ``(campaign_id, user_id, since)``: what
they were doing when the period began. The agents looked up are the campaign's
enabled agents and whoever is on it now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from dialer.accounts.models import AgentPresence
from dialer.accounts.state_history import AgentStateChange
from dialer.campaigns.models import CampaignAgent
from dialer.engine.reports.models import ReportAgentState
from dialer.engine.reports.occupancy import StateMark, StateSpan, hourly_spans, state_spans

_H = AgentStateChange


# Plain columns, not ORM objects: a month's rollup reads a million of them.
_COLUMNS = (col(_H.user_id), col(_H.state), col(_H.since), col(_H.pause_reason))


def _mark(row: Any) -> StateMark:
    return StateMark(int(row[0]), str(row[1]), row[2], row[3])


def state_marks(
    session: Session, campaign_id: int, start: datetime, end: datetime
) -> list[StateMark]:
    """The campaign's changes in [start, end), with each agent's last one before ``start``."""
    users = set(
        session.scalars(
            select(col(CampaignAgent.user_id)).where(col(CampaignAgent.campaign_id) == campaign_id)
        ).all()
    ) | set(
        session.scalars(
            select(col(AgentPresence.user_id)).where(col(AgentPresence.campaign_id) == campaign_id)
        ).all()
    )
    marks: list[StateMark] = []
    for user_id in sorted(users):
        before = session.execute(
            select(*_COLUMNS)
            .where(col(_H.campaign_id) == campaign_id, col(_H.user_id) == user_id)
            .where(col(_H.since) < start)
            .order_by(col(_H.since).desc(), col(_H.id).desc())
            .limit(1)
        ).first()
        if before is not None:
            marks.append(_mark(before))
    rows = session.execute(
        select(*_COLUMNS)
        .where(col(_H.campaign_id) == campaign_id, col(_H.since) >= start, col(_H.since) < end)
        .order_by(col(_H.since), col(_H.id))
    ).all()
    return marks + [_mark(row) for row in rows]


def live_spans(
    session: Session, campaign_id: int, start: datetime, end: datetime, now: datetime
) -> list[StateSpan]:
    return state_spans(state_marks(session, campaign_id, start, end), start, end, now)


def first_change(session: Session, campaign_id: int) -> datetime | None:
    first: datetime | None = session.execute(
        select(func.min(col(_H.since))).where(col(_H.campaign_id) == campaign_id)
    ).scalar_one()
    return first


def store_hours(
    session: Session, campaign_id: int, start: datetime, end: datetime, now: datetime
) -> None:
    """Roll [start, end) up by hour (the caller deleted what was there).

    One bulk INSERT: a month rolled up at once is tens of thousands of rows, and
    building an ORM object for each costs more than computing them."""
    marks = state_marks(session, campaign_id, start, end)
    rows = [
        {"campaign_id": campaign_id, "hour": span.utc_hour, "user_id": span.user_id,
         "heading": span.heading, "reason": span.reason, "seconds": span.seconds}
        for span in hourly_spans(marks, start, end, now)
    ]  # fmt: skip
    if rows:
        session.execute(insert(ReportAgentState), rows)


def stored_spans(
    session: Session, campaign_id: int, start: datetime, end: datetime
) -> list[StateSpan]:
    """Summed per agent and heading in SQL: a month reads one row per agent and heading."""
    if start >= end:
        return []
    table = ReportAgentState
    rows = session.execute(
        select(col(table.user_id), col(table.heading), col(table.reason), func.sum(table.seconds))
        .where(
            col(table.campaign_id) == campaign_id, col(table.hour) >= start, col(table.hour) < end
        )
        .group_by(col(table.user_id), col(table.heading), col(table.reason))
    ).all()
    return [StateSpan(int(uid), str(h), str(r), float(s)) for uid, h, r, s in rows]


def read_spans(
    session: Session, campaign_ids: Sequence[int], splits: Sequence[datetime],
    start: datetime, end: datetime, now: datetime,
) -> list[StateSpan]:  # fmt: skip
    """Rolled up before each campaign's split, counted from the history after it."""
    spans: list[StateSpan] = []
    for campaign_id, split in zip(campaign_ids, splits, strict=True):
        spans += stored_spans(session, campaign_id, start, split)
        if split < end:
            spans += live_spans(session, campaign_id, split, end, now)
    return spans
