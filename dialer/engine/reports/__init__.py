"""Reports per campaign and per fund over a day, a week or a date range."""

from __future__ import annotations

from sqlmodel import Session, col, select

from dialer.campaigns.models import Campaign
from dialer.contacts.funds import Fund
from dialer.engine.reports.counts import agent_counts, hour_counts, people_reached
from dialer.engine.reports.model import AgentLine, Figures, HourLine, Report, build_report
from dialer.engine.reports.period import (
    MAX_DAYS,
    PeriodError,
    ReportPeriod,
    choose_period,
    paris_day,
    parse_day,
)

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
    session: Session, scope_fr: str, campaigns: list[Campaign], period: ReportPeriod
) -> Report:
    ids = [campaign.id for campaign in campaigns if campaign.id is not None]
    start, end = period.utc_bounds()
    # A fund's target is its strictest campaign's: the one a regulator would hold it to.
    target = min((c.abandon_target for c in campaigns), default=0.03)
    return build_report(
        scope_fr,
        period,
        target,
        hour_counts(session, ids, start, end),
        people_reached(session, ids, start, end),
        agent_counts(session, ids, start, end),
    )


def campaign_report(session: Session, campaign: Campaign, period: ReportPeriod) -> Report:
    return _report(session, f"Campagne {campaign.name} ({campaign.code})", [campaign], period)


def fund_report(session: Session, fund: Fund, period: ReportPeriod) -> Report:
    campaigns = list(session.exec(select(Campaign).where(col(Campaign.fund_id) == fund.id)))
    return _report(session, f"Caisse {fund.name}", campaigns, period)
