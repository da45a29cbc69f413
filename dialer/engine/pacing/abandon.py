"""The abandon rate, as the campaign's settings define it, per campaign and per fund."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dialer.core.errors import DomainError

Denominator = Literal["answered", "live_answered"]
Period = Literal["day", "rolling_30_days"]


@dataclass(frozen=True, slots=True)
class AbandonDefinition:
    """``answered`` counts every answered call; ``live_answered`` only those a person answered
    (answering machines excluded), as regulators such as Ofcom define it."""

    denominator: Denominator = "answered"
    period: Period = "day"
    grace_seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.denominator not in ("answered", "live_answered"):
            raise DomainError(f"dénominateur d'abandon inconnu : {self.denominator!r}")
        if self.period not in ("day", "rolling_30_days"):
            raise DomainError(f"période d'abandon inconnue : {self.period!r}")
        if self.grace_seconds < 0:
            raise DomainError("le délai de grâce ne peut pas être négatif")


@dataclass(frozen=True, slots=True)
class AbandonCounts:
    """One campaign's counts for one day."""

    day: date
    campaign_id: int
    fund_id: int
    answered: int
    live_answered: int
    abandoned: int


@dataclass(frozen=True, slots=True)
class AbandonReport:
    by_campaign: dict[int, float]
    by_fund: dict[int, float]


def is_abandoned(wait_seconds: float, reached_agent: bool, definition: AbandonDefinition) -> bool:
    """An answered call counts as abandoned when no agent took it within the grace time."""
    return not reached_agent and wait_seconds >= definition.grace_seconds


def _in_period(day: date, as_of: date, period: Period) -> bool:
    if period == "day":
        return day == as_of
    return as_of - timedelta(days=29) <= day <= as_of


def abandon_rate(
    counts: Iterable[AbandonCounts], definition: AbandonDefinition, as_of: date
) -> float:
    """Abandoned over the chosen denominator, pooled over the period ending ``as_of``."""
    abandoned = denominator = 0
    for row in counts:
        if not _in_period(row.day, as_of, definition.period):
            continue
        abandoned += row.abandoned
        denominator += row.answered if definition.denominator == "answered" else row.live_answered
    return abandoned / denominator if denominator else 0.0


def abandon_report(
    counts: Iterable[AbandonCounts], definition: AbandonDefinition, as_of: date
) -> AbandonReport:
    """Rates per campaign and per fund; a fund's rate pools its campaigns' calls."""
    rows = [row for row in counts if _in_period(row.day, as_of, definition.period)]
    by_campaign: dict[int, list[AbandonCounts]] = {}
    by_fund: dict[int, list[AbandonCounts]] = {}
    for row in rows:
        by_campaign.setdefault(row.campaign_id, []).append(row)
        by_fund.setdefault(row.fund_id, []).append(row)
    return AbandonReport(
        by_campaign={
            key: abandon_rate(group, definition, as_of) for key, group in by_campaign.items()
        },
        by_fund={key: abandon_rate(group, definition, as_of) for key, group in by_fund.items()},
    )
