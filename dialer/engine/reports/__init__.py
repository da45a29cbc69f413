"""Reports per campaign and per fund over a day, a week or a date range."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from dialer.accounts.models import User
from dialer.campaigns.models import Campaign
from dialer.contacts.funds import Fund
from dialer.engine.reports.model import AgentLine, Figures, HourLine, Report, build_report
from dialer.engine.reports.period import (
    MAX_DAYS,
    PeriodError,
    ReportPeriod,
    choose_period,
    paris_day,
    parse_day,
)
from dialer.engine.reports.rollup import read_hours, read_states

__all__ = [
    "MAX_DAYS",
    "AgentLine",
    "Figures",
    "HourLine",
    "PeriodError",
    "Report",
    "ReportPeriod",
    "campaign_report",
    "choose_period",
    "fund_report",
    "paris_day",
    "parse_day",
]


def _report(
    session: Session,
    scope_fr: str,
    campaigns: list[Campaign],
    period: ReportPeriod,
    now: datetime,
) -> Report:
    ids = [campaign.id for campaign in campaigns if campaign.id is not None]
    start, end = period.utc_bounds()
    hours, agents = read_hours(session, ids, start, end, now)
    states = read_states(session, ids, start, end, now)
    user_ids = sorted({agent.user_id for agent in agents} | {span.user_id for span in states})
    names = dict(
        session.execute(
            select(col(User.id), col(User.full_name)).where(col(User.id).in_(user_ids))
        ).all()
    )
    # A fund's target is its strictest campaign's: the one a regulator would hold it to.
    target = min((c.abandon_target for c in campaigns), default=0.03)
    return build_report(scope_fr, period, target, hours, agents, names, states=states)


def campaign_report(
    session: Session, campaign: Campaign, period: ReportPeriod, now: datetime
) -> Report:
    """``now`` (naive UTC) decides which hours are settled and read from the rollup."""
    scope = f"Campagne {campaign.name} ({campaign.code})"
    return _report(session, scope, [campaign], period, now)


def fund_report(session: Session, fund: Fund, period: ReportPeriod, now: datetime) -> Report:
    campaigns = list(session.exec(select(Campaign).where(col(Campaign.fund_id) == fund.id)))
    return _report(session, f"Caisse {fund.name}", campaigns, period, now)
