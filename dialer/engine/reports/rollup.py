"""Hours rolled up once settled, read back with the unsettled hours counted live.

A report reads ``ReportHour``/``ReportAgentHour`` up to each campaign's watermark
and counts the calls after it (at most ``SETTLE`` plus the last hour, or the whole
span when nothing was rolled up yet). Rolling up advances the watermark to the
last settled hour; it runs when a report is read, so the first report after a
long gap pays for the gap once.

Two processes rolling the same campaign at once: the second one's insert
collides on the primary key, it rolls back and reads what the first wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.core.columns import utcnow
from dialer.engine.reports.counts import agent_hours, hour_counts
from dialer.engine.reports.model import AgentHour, Figures, HourCounts
from dialer.engine.reports.models import (
    ReportAgentHour,
    ReportAgentState,
    ReportHour,
    ReportWatermark,
)
from dialer.engine.reports.occupancy import StateSpan
from dialer.engine.reports.states import first_change, read_spans, store_hours

log = logging.getLogger(__name__)
# Calls have ended and their outcomes are entered this long after their hour.
SETTLE = timedelta(hours=2)
_FIGURES = [item.name for item in fields(Figures)]


def settled_until(now: datetime) -> datetime:
    """The end (exclusive) of the last settled hour at ``now`` (naive UTC)."""
    return (now - SETTLE).replace(minute=0, second=0, microsecond=0)


def _first_activity(session: Session, campaign_id: int) -> datetime | None:
    firsts = [
        session.execute(
            select(func.min(col(table.created_at))).where(col(table.campaign_id) == campaign_id)
        ).scalar_one()
        for table in (CallAttempt, Outcome)
    ]
    # Agents may wait, or pause, on a campaign before its first call: their time counts too.
    firsts.append(first_change(session, campaign_id))
    found = [value for value in firsts if value is not None]
    return min(found).replace(minute=0, second=0, microsecond=0) if found else None


def roll_up(session: Session, campaign_id: int, now: datetime) -> datetime | None:
    """Roll the campaign's settled hours up; returns its watermark (None: nothing yet)."""
    until = settled_until(now)
    mark = session.get(ReportWatermark, campaign_id)
    start = mark.rolled_until if mark else _first_activity(session, campaign_id)
    if start is None or start >= until:
        return mark.rolled_until if mark else None
    try:
        _store(session, campaign_id, start, until)
        if mark is None:
            session.add(ReportWatermark(campaign_id=campaign_id, rolled_until=until))
        else:
            mark.rolled_until = until
        session.commit()
    except IntegrityError:
        session.rollback()  # another process rolled the same hours up first
        mark = session.get(ReportWatermark, campaign_id)
        return mark.rolled_until if mark else None
    return until


def _store(session: Session, campaign_id: int, start: datetime, end: datetime) -> None:
    # A crashed roll-up may have left rows past the watermark: recount them.
    for table in (ReportHour, ReportAgentHour, ReportAgentState):
        session.execute(
            delete(table).where(col(table.campaign_id) == campaign_id, col(table.hour) >= start)
        )
    for row in hour_counts(session, [campaign_id], start, end):
        values = {name: getattr(row.figures, name) for name in _FIGURES}
        session.add(ReportHour(campaign_id=campaign_id, hour=row.utc_hour, **values))
    for agent in agent_hours(session, [campaign_id], start, end):
        session.add(
            ReportAgentHour(
                campaign_id=campaign_id,
                hour=agent.utc_hour,
                user_id=agent.user_id,
                calls=agent.calls,
                talk_seconds=agent.talk_seconds,
                wrap_ups=agent.wrap_ups,
                wrap_up_seconds=agent.wrap_up_seconds,
            )  # fmt: skip
        )
    # The hours are settled: a state still open then lasted at least to their end.
    store_hours(session, campaign_id, start, end, end)
    session.flush()


def read_hours(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime, now: datetime
) -> tuple[list[HourCounts], list[AgentHour]]:
    """The hours of [start, end) for the campaigns: rolled up where settled, else live."""
    hours: list[HourCounts] = []
    agents: list[AgentHour] = []
    funds = dict(
        session.execute(
            select(col(Campaign.id), col(Campaign.fund_id)).where(
                col(Campaign.id).in_(campaign_ids)
            )
        ).all()
    )
    for campaign_id in campaign_ids:
        mark = roll_up(session, campaign_id, now)
        split = min(max(mark or start, start), end)
        hours += _stored_hours(session, campaign_id, funds.get(campaign_id, 0), start, split)
        agents += _stored_agents(session, campaign_id, start, split)
        if split < end:
            hours += hour_counts(session, [campaign_id], split, end)
            agents += agent_hours(session, [campaign_id], split, end)
    return hours, agents


def read_states(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime, now: datetime
) -> list[StateSpan]:
    """Agents' time by state over [start, end): rolled up where settled, else from the history.

    Read after ``read_hours``, which has just rolled the campaigns up."""
    splits = []
    for campaign_id in campaign_ids:
        mark = session.get(ReportWatermark, campaign_id)
        splits.append(min(max(mark.rolled_until if mark else start, start), end))
    return read_spans(session, campaign_ids, splits, start, end, now)


def _stored_hours(
    session: Session, campaign_id: int, fund_id: int, start: datetime, end: datetime
) -> list[HourCounts]:
    if start >= end:
        return []
    table = ReportHour
    rows = session.execute(
        select(col(table.hour), *[getattr(table, name) for name in _FIGURES]).where(
            col(table.campaign_id) == campaign_id, col(table.hour) >= start, col(table.hour) < end
        )
    ).all()
    return [HourCounts(campaign_id, fund_id, row[0], Figures(*row[1:])) for row in rows]


def _stored_agents(
    session: Session, campaign_id: int, start: datetime, end: datetime
) -> list[AgentHour]:
    """Summed per agent in SQL: a month holds an hourly row per agent, the report one line."""
    if start >= end:
        return []
    table = ReportAgentHour
    rows = session.execute(
        select(
            col(table.user_id),
            func.sum(col(table.calls)),
            func.sum(col(table.talk_seconds)),
            func.sum(col(table.wrap_ups)),
            func.sum(col(table.wrap_up_seconds)),
        )  # fmt: skip
        .where(
            col(table.campaign_id) == campaign_id, col(table.hour) >= start, col(table.hour) < end
        )
        .group_by(col(table.user_id))
    ).all()
    return [
        AgentHour(campaign_id, start, int(uid), int(calls), float(talk), int(wraps), float(wrap))
        for uid, calls, talk, wraps, wrap in rows
    ]


ROLLUP_JOB_ID = "reports-rollup"


def roll_up_all(engine: Engine, now: datetime) -> int:
    """Roll every open campaign's settled hours up; returns how many campaigns were looked at."""
    with Session(engine) as session:
        ids = session.scalars(
            select(col(Campaign.id)).where(col(Campaign.status) != CampaignStatus.CLOSED)
        ).all()
        for campaign_id in ids:
            if campaign_id is not None:
                roll_up(session, campaign_id, now)
    return len(ids)


def schedule_rollup(scheduler: Any, engine: Engine, *, jobstore: str = "default") -> Any:
    """Roll up every hour, so a report never pays for more than the last hours itself."""
    from apscheduler.triggers.cron import CronTrigger

    def job() -> None:
        count = roll_up_all(engine, utcnow())
        log.info("reports rollup done for %s campaigns", count)

    return scheduler.add_job(
        job,
        CronTrigger(minute=7),
        id=ROLLUP_JOB_ID,
        jobstore=jobstore,
        name="Cumul horaire des rapports",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
