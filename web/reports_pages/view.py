"""A report as its page shows it: French numbers and durations, and the charts' data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from dialer.core.french import number_fr
from dialer.engine.reports import Figures, Report
from dialer.engine.reports.period import CENTRE_ZONE

FIGURE_LABELS: tuple[tuple[str, str], ...] = (
    ("attempts", "Tentatives"),
    ("reached", "Appels décrochés"),
    ("interviews_accepted", "Entretiens acceptés"),
    ("interviews_refused", "Entretiens refusés"),
    ("offers_accepted", "Offres acceptées"),
    ("offers_refused", "Offres refusées"),
    ("callbacks", "Rappels demandés"),
    ("opt_outs", "Refus d'être appelé"),
    ("abandoned", "Abandons"),
)


def percent_fr(rate: float) -> str:
    """0.0312 -> « 3,1 % » (a no-break space before the sign, as French writes it)."""
    return f"{rate * 100:.1f}".replace(".", ",") + "\u00a0%"


def duration_fr(seconds: float) -> str:
    """3725 -> « 1 h 02 min », 95 -> « 1 min 35 s »."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}\u00a0h\u00a0{minutes:02d}\u00a0min"
    if minutes:
        return f"{minutes}\u00a0min\u00a0{secs:02d}\u00a0s"
    return f"{secs}\u00a0s"


def occupancy_fr(rate: float | None) -> str:
    """No time available nor busy: a dash, not a false 0 %."""
    return "—" if rate is None else percent_fr(rate)


def figures_fr(figures: Figures) -> dict[str, str]:
    return {key: number_fr(getattr(figures, key)) for key, _ in FIGURE_LABELS}


@dataclass(frozen=True)
class ReportView:
    report: Report
    totals: dict[str, str]
    people_reached: str
    abandon_rate: str
    abandon_target: str
    over_target: bool
    days: list[dict[str, Any]]
    agents: list[dict[str, Any]]
    chart_json: str


def _epoch(local_hour: Any) -> int:
    return int(local_hour.replace(tzinfo=CENTRE_ZONE).astimezone(UTC).timestamp())


def chart_data(report: Report) -> dict[str, Any]:
    """Series for the charts, one point per hour of the period (zero when nothing happened),
    x in Unix seconds, drawn on Paris time by the page."""
    start, end = report.period.utc_bounds()
    first = int(start.replace(tzinfo=UTC).timestamp())
    xs = list(range(first, int(end.replace(tzinfo=UTC).timestamp()), 3600))
    by_x = {_epoch(line.local_hour): line for line in report.hours}
    lines = [by_x.get(x) for x in xs]
    return {
        "zone": "Europe/Paris",
        "x": xs,
        "attempts": [line.figures.attempts if line else 0 for line in lines],
        "reached": [line.figures.reached if line else 0 for line in lines],
        # No answered call in the hour: no rate, a gap in the line rather than a false 0 %.
        "abandon": [
            round(line.abandon_rate * 100, 2) if line and line.figures.answered else None
            for line in lines
        ],
        "target": [round(report.abandon_target * 100, 2) for _ in xs],
    }


def report_view(report: Report) -> ReportView:
    days = [
        {
            "day": day.strftime("%d/%m/%Y"),
            "figures": figures_fr(figures),
            "abandon": percent_fr(rate),
            "over": rate > report.abandon_target,
        }  # fmt: skip
        for day, figures, rate in report.days
    ]
    agents = [
        {
            "name": line.name,
            "calls": number_fr(line.calls),
            "talk": duration_fr(line.talk_seconds),
            "average": duration_fr(line.average_talk_seconds),
            "wrap_up": duration_fr(line.wrap_up_seconds),
            "available": duration_fr(line.time.available),
            "on_call": duration_fr(line.time.on_call),
            "wrap_up_state": duration_fr(line.time.wrap_up),
            "paused": duration_fr(line.time.paused_total),
            "pauses": [
                (reason, duration_fr(seconds))
                for reason, seconds in sorted(line.time.paused.items())
                if seconds >= 0.5  # what « 0 s » would show is no information
            ],
            "occupancy": occupancy_fr(line.time.occupancy),
        }  # fmt: skip
        for line in report.agents
    ]
    return ReportView(
        report=report,
        totals=figures_fr(report.totals),
        people_reached=number_fr(report.totals.first_reached),
        abandon_rate=percent_fr(report.abandon_rate),
        abandon_target=percent_fr(report.abandon_target),
        over_target=report.abandon_rate > report.abandon_target,
        days=days,
        agents=agents,
        # Inside a <script> element: no "<" may close it early.
        chart_json=json.dumps(chart_data(report)).replace("<", "\\u003c"),
    )
