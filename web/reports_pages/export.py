"""A report's tables as a manager opens them elsewhere: CSV for a spreadsheet, XLSX.

CSV as French spreadsheets expect it: ``;`` between cells, UTF-8 with a BOM (so
Excel reads the accents), decimal commas, Paris local times, French headers.
Every cell is a figure or a time computed here, never text typed by someone, and
the agents' names are prefixed against formula injection all the same.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook

from dialer.engine.reports import Figures, Report
from dialer.engine.reports.occupancy import TimeUse
from web.desk.router import PAUSE_REASONS_FR

Cell = str | int | float | None
FIGURE_HEADERS = (
    "Tentatives", "Appels décrochés (personne jointe)", "Personnes jointes pour la 1re fois",
    "Abandons", "Entretiens acceptés", "Entretiens refusés", "Offres acceptées",
    "Offres refusées", "Rappels demandés", "Refus d'être appelé (opposition)",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _figures(figures: Figures) -> list[Cell]:
    return [
        figures.attempts, figures.reached, figures.first_reached, figures.abandoned,
        figures.interviews_accepted, figures.interviews_refused, figures.offers_accepted,
        figures.offers_refused, figures.callbacks, figures.opt_outs,
    ]  # fmt: skip


def _safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def hour_table(report: Report) -> tuple[list[str], list[list[Cell]]]:
    headers = ["Heure (Paris)", *FIGURE_HEADERS, "Taux d'abandon", "Objectif d'abandon"]
    rows: list[list[Cell]] = [
        [
            line.local_hour.strftime("%d/%m/%Y %H:00"),
            *_figures(line.figures),
            round(line.abandon_rate, 4),
            report.abandon_target,
        ]  # fmt: skip
        for line in report.hours
    ]
    return headers, rows


def day_table(report: Report) -> tuple[list[str], list[list[Cell]]]:
    headers = ["Jour", *FIGURE_HEADERS, "Taux d'abandon", "Objectif d'abandon"]
    rows: list[list[Cell]] = [
        [_day(day), *_figures(figures), round(rate, 4), report.abandon_target]
        for day, figures, rate in report.days
    ]
    return headers, rows


OTHER_PAUSES_FR = "Pause : autre motif ou sans motif (min)"


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def _time_cells(time: TimeUse) -> list[Cell]:
    """The agent's time by state, one column per desk pause reason, then occupancy."""
    others = sum(s for reason, s in time.paused.items() if reason not in PAUSE_REASONS_FR)
    return [
        _minutes(time.available),
        _minutes(time.on_call),
        _minutes(time.wrap_up),
        *[_minutes(time.paused.get(reason, 0.0)) for reason in PAUSE_REASONS_FR],
        _minutes(others),
        _minutes(time.paused_total),
        None if time.occupancy is None else round(time.occupancy, 4),
    ]


def agent_table(report: Report) -> tuple[list[str], list[list[Cell]]]:
    headers = [
        "Agent",
        "Appels",
        "Communication (min)",
        "Durée moyenne (s)",
        "Post-appel (min)",
        "Disponible (min)",
        "En communication, état de l'agent (min)",
        "En post-appel, état de l'agent (min)",
        *[f"Pause : {reason} (min)" for reason in PAUSE_REASONS_FR],
        OTHER_PAUSES_FR,
        "Pauses, total (min)",
        "Taux d'occupation",
    ]
    rows: list[list[Cell]] = [
        [
            _safe_text(line.name),
            line.calls,
            round(line.talk_seconds / 60, 1),
            round(line.average_talk_seconds),
            round(line.wrap_up_seconds / 60, 1),
            *_time_cells(line.time),
        ]  # fmt: skip
        for line in report.agents
    ]
    return headers, rows


TABLES = {"heures": hour_table, "jours": day_table, "agents": agent_table}
SHEET_TITLES = {"heures": "Par heure", "jours": "Par jour", "agents": "Agents"}


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    return str(value)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report, generated_at: datetime) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Synthèse"
    summary.append(["Rapport", report.scope_fr])
    summary.append(["Période", report.period.label_fr()])
    summary.append(["Édité le (Paris)", generated_at.strftime("%d/%m/%Y %H:%M")])
    for header, value in zip(FIGURE_HEADERS, _figures(report.totals), strict=True):
        summary.append([header, value])
    summary.append(["Taux d'abandon", round(report.abandon_rate, 4)])
    summary.append(["Objectif d'abandon", report.abandon_target])
    for key, build in TABLES.items():
        sheet = book.create_sheet(SHEET_TITLES[key])
        headers, rows = build(report)
        sheet.append(headers)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
