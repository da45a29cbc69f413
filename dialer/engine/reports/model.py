"""A report's figures, built from hourly counts without I/O.

The database hands over one ``HourCounts`` per campaign and UTC hour (and one
``AgentCounts`` per agent); everything a manager reads (totals, days, the hourly
abandon rate against the target, agents' productivity) is derived here. The
hourly abandon rate is the campaign's own definition
(``dialer.engine.pacing.abandon``), applied to one hour's calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from dialer.engine.pacing.abandon import AbandonCounts, AbandonDefinition, abandon_rate
from dialer.engine.reports.period import ReportPeriod, paris_hour


@dataclass(slots=True)
class Figures:
    """Counts that add up: per hour, per day or for the whole period."""

    attempts: int = 0
    reached: int = 0
    answered: int = 0
    abandoned: int = 0
    interviews_accepted: int = 0
    interviews_refused: int = 0
    offers_accepted: int = 0
    offers_refused: int = 0
    callbacks: int = 0
    opt_outs: int = 0

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


@dataclass(frozen=True, slots=True)
class HourCounts:
    campaign_id: int
    fund_id: int
    utc_hour: datetime  # naive UTC, on the hour
    figures: Figures


@dataclass(frozen=True, slots=True)
class AgentCounts:
    user_id: int
    name: str
    calls: int
    talk_seconds: float
    wrap_up_seconds: float
    outcomes: int


@dataclass(frozen=True, slots=True)
class HourLine:
    local_hour: datetime  # Paris wall clock
    figures: Figures
    abandon_rate: float


@dataclass(frozen=True, slots=True)
class AgentLine:
    user_id: int
    name: str
    calls: int
    talk_seconds: float
    wrap_up_seconds: float
    average_talk_seconds: float
    # Share of the agent's working time spent talking or wrapping up, when known.
    occupancy: float | None


@dataclass(frozen=True, slots=True)
class Report:
    scope_fr: str
    period: ReportPeriod
    abandon_target: float
    totals: Figures
    people_reached: int
    abandon_rate: float
    days: list[tuple[date, Figures, float]] = field(default_factory=list)
    hours: list[HourLine] = field(default_factory=list)
    agents: list[AgentLine] = field(default_factory=list)


def _rate(figures: Figures, day: date, definition: AbandonDefinition) -> float:
    # The report's calls carry no answering-machine split: both denominators are the answered.
    counts = AbandonCounts(day, 0, 0, figures.answered, figures.answered, figures.abandoned)
    return abandon_rate([counts], definition, day)


def build_report(
    scope_fr: str,
    period: ReportPeriod,
    abandon_target: float,
    hours: Iterable[HourCounts],
    people_reached: int,
    agents: Sequence[AgentCounts] = (),
    definition: AbandonDefinition | None = None,
) -> Report:
    """Totals, days and hours in Paris time; several campaigns' hours are pooled."""
    rule = definition or AbandonDefinition()
    by_hour: dict[datetime, Figures] = {}
    for row in hours:
        by_hour.setdefault(paris_hour(row.utc_hour), Figures()).add(row.figures)
    totals = Figures()
    by_day: dict[date, Figures] = {}
    lines: list[HourLine] = []
    for local_hour in sorted(by_hour):
        figures = by_hour[local_hour]
        totals.add(figures)
        by_day.setdefault(local_hour.date(), Figures()).add(figures)
        lines.append(HourLine(local_hour, figures, _rate(figures, local_hour.date(), rule)))
    days = [(day, figures, _rate(figures, day, rule)) for day, figures in sorted(by_day.items())]
    return Report(
        scope_fr=scope_fr,
        period=period,
        abandon_target=abandon_target,
        totals=totals,
        people_reached=people_reached,
        abandon_rate=_rate(totals, period.first_day, rule),
        days=days,
        hours=lines,
        agents=[_agent_line(agent) for agent in agents],
    )


def _agent_line(agent: AgentCounts) -> AgentLine:
    return AgentLine(
        user_id=agent.user_id,
        name=agent.name,
        calls=agent.calls,
        talk_seconds=agent.talk_seconds,
        wrap_up_seconds=agent.wrap_up_seconds,
        average_talk_seconds=agent.talk_seconds / agent.calls if agent.calls else 0.0,
        occupancy=None,
    )
