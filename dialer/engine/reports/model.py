"""A report's figures, built from hourly counts without I/O.

The database hands over one ``HourCounts`` per campaign and UTC hour (and one
``AgentCounts`` per agent); everything a manager reads (totals, days, the hourly
abandon rate against the target, agents' productivity) is derived here. The
hourly abandon rate is the campaign's own definition
(``dialer.engine.pacing.abandon``), applied to one hour's calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from dialer.engine.pacing.abandon import AbandonCounts, AbandonDefinition, abandon_rate
from dialer.engine.reports.occupancy import StateSpan, TimeUse, time_use
from dialer.engine.reports.period import ReportPeriod, paris_hour


@dataclass(slots=True)
class Figures:
    """Counts that add up: per hour, per day or for the whole period."""

    attempts: int = 0
    reached: int = 0
    first_reached: int = 0  # people reached for the first time in their campaign
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
class AgentHour:
    campaign_id: int
    utc_hour: datetime
    user_id: int
    calls: int = 0
    talk_seconds: float = 0.0
    wrap_ups: int = 0
    wrap_up_seconds: float = 0.0


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
    # From the agents' state history (``occupancy``): time by state, pauses by reason.
    time: TimeUse = field(default_factory=TimeUse)


@dataclass(frozen=True, slots=True)
class Report:
    scope_fr: str
    period: ReportPeriod
    abandon_target: float
    totals: Figures
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
    agents: Iterable[AgentHour] = (),
    names: Mapping[int, str] | None = None,
    definition: AbandonDefinition | None = None,
    states: Iterable[StateSpan] = (),
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
        abandon_rate=_rate(totals, period.first_day, rule),
        days=days,
        hours=lines,
        agents=_agent_lines(agents, names or {}, time_use(states)),
    )


def _agent_lines(
    agents: Iterable[AgentHour], names: Mapping[int, str], uses: Mapping[int, TimeUse]
) -> list[AgentLine]:
    """One line per agent over the period (calls taken or time spent), in name order."""
    sums: dict[int, list[float]] = {user_id: [0, 0.0, 0.0] for user_id in uses}
    for row in agents:
        total = sums.setdefault(row.user_id, [0, 0.0, 0.0])
        total[0] += row.calls
        total[1] += row.talk_seconds
        total[2] += row.wrap_up_seconds
    lines = [
        AgentLine(
            user_id=user_id,
            name=names.get(user_id, f"Agent n° {user_id}"),
            calls=int(calls),
            talk_seconds=talk,
            wrap_up_seconds=wrap,
            average_talk_seconds=talk / calls if calls else 0.0,
            time=uses.get(user_id) or TimeUse(),
        )
        for user_id, (calls, talk, wrap) in sums.items()
    ]
    return sorted(lines, key=lambda line: (line.name, line.user_id))
