"""``/campagnes/{id}/rapports`` and ``/caisses/{id}/rapports``: figures over a day, a week
or a date range, with charts and CSV/XLSX exports.

Reports hold counts only, never a person's data, so reading them leaves no entry
in the access trail; the agents' names are the centre's own staff.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from dialer.contacts.funds import Fund
from dialer.engine.reports import (
    PeriodError,
    Report,
    ReportPeriod,
    campaign_report,
    choose_period,
    fund_report,
    paris_day,
)
from dialer.engine.reports.period import paris_hour
from web.deps import DbSession, IdPath, ManagerUser, NowDep
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render
from web.reports_pages.export import SHEET_TITLES, TABLES, to_csv, to_xlsx
from web.reports_pages.view import report_view

router = APIRouter()
PeriodText = Annotated[str, Query(max_length=20)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm:
    """The period fields of the report form, echoed back and turned into a period."""

    def __init__(self, periode: str, jour: str, debut: str, fin: str) -> None:
        self.kind, self.day, self.start, self.end = periode or "jour", jour, debut, fin

    def period(self, now: Any) -> ReportPeriod:
        return choose_period(self.kind, self.day, self.start, self.end, paris_day(now))

    def query(self) -> str:
        values = {"periode": self.kind, "jour": self.day, "debut": self.start, "fin": self.end}
        return urlencode({key: value for key, value in values.items() if value})


def _form(periode: str, jour: str, debut: str, fin: str) -> PeriodForm:
    return PeriodForm(periode, jour, debut, fin)


def _load_fund(db: Session, fund_id: int) -> Fund:
    fund = db.get(Fund, fund_id)
    if fund is None:
        raise french_error(404, "Caisse introuvable.")
    return fund


def _page(
    request: Request, base: str, form: PeriodForm, now: Any, build: Any, extra: dict[str, Any]
) -> Response:
    context: dict[str, Any] = {"form": form, "base": base, "error": "", "view": None, **extra}
    try:
        period = form.period(now)
    except PeriodError as refusal:
        context["error"] = refusal.message
        return render(request, "reports/report.html", context, status=400)
    report: Report = build(period)
    context["view"] = report_view(report)
    context["exports"] = [
        (f"{base}/export.csv?{form.query()}&tableau={key}", f"CSV · {SHEET_TITLES[key]}")
        for key in TABLES
    ] + [(f"{base}/export.xlsx?{form.query()}", "Classeur Excel (XLSX)")]
    return render(request, "reports/report.html", context)


def _export(report: Report, fmt: str, table: str, now: Any, name: str) -> Response:
    if fmt == "xlsx":
        body = to_xlsx(report, paris_hour(now))
        return _download(body, XLSX, f"{name}.xlsx")
    if table not in TABLES:
        raise french_error(400, "Tableau inconnu : heures, jours ou agents.")
    headers, rows = TABLES[table](report)
    return _download(to_csv(headers, rows), "text/csv; charset=utf-8", f"{name}-{table}.csv")


def _download(body: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)


def _period_or_400(form: PeriodForm, now: Any) -> ReportPeriod:
    try:
        return form.period(now)
    except PeriodError as refusal:
        raise french_error(400, refusal.message) from None


def _file_name(code: str, period: ReportPeriod) -> str:
    safe = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_" else "-" for ch in code)
    return f"rapport-{safe}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"


@router.get("/campagnes/{campaign_id}/rapports")
def campaign_report_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, now: NowDep,
    periode: PeriodText = "", jour: PeriodText = "", debut: PeriodText = "", fin: PeriodText = "",
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    fund = db.get(Fund, campaign.fund_id)
    return _page(
        request, f"/campagnes/{campaign_id}/rapports", _form(periode, jour, debut, fin), now,
        lambda period: campaign_report(db, campaign, period, now),
        {"campaign": campaign, "fund": fund, "title": f"Rapport · {campaign.name}"},
    )  # fmt: skip


@router.get("/campagnes/{campaign_id}/rapports/export.{fmt}")
def campaign_report_export(
    campaign_id: IdPath, fmt: str, _user: ManagerUser, db: DbSession, now: NowDep,
    periode: PeriodText = "", jour: PeriodText = "", debut: PeriodText = "", fin: PeriodText = "",
    tableau: PeriodText = "heures",
) -> Response:  # fmt: skip
    campaign = _exportable(load_campaign(db, campaign_id), fmt)
    period = _period_or_400(_form(periode, jour, debut, fin), now)
    report = campaign_report(db, campaign, period, now)
    return _export(report, fmt, tableau, now, _file_name(campaign.code, period))


def _exportable(campaign: Campaign, fmt: str) -> Campaign:
    if fmt not in ("csv", "xlsx"):
        raise french_error(404, "Format d'export inconnu : CSV ou XLSX.")
    return campaign


@router.get("/caisses/{fund_id}/rapports")
def fund_report_page(
    request: Request, fund_id: IdPath, _user: ManagerUser, db: DbSession, now: NowDep,
    periode: PeriodText = "", jour: PeriodText = "", debut: PeriodText = "", fin: PeriodText = "",
) -> Response:  # fmt: skip
    fund = _load_fund(db, fund_id)
    return _page(
        request, f"/caisses/{fund_id}/rapports", _form(periode, jour, debut, fin), now,
        lambda period: fund_report(db, fund, period, now),
        {"campaign": None, "fund": fund, "title": f"Rapport · {fund.name}"},
    )  # fmt: skip


@router.get("/caisses/{fund_id}/rapports/export.{fmt}")
def fund_report_export(
    fund_id: IdPath, fmt: str, _user: ManagerUser, db: DbSession, now: NowDep,
    periode: PeriodText = "", jour: PeriodText = "", debut: PeriodText = "", fin: PeriodText = "",
    tableau: PeriodText = "heures",
) -> Response:  # fmt: skip
    if fmt not in ("csv", "xlsx"):
        raise french_error(404, "Format d'export inconnu : CSV ou XLSX.")
    fund = _load_fund(db, fund_id)
    period = _period_or_400(_form(periode, jour, debut, fin), now)
    report = fund_report(db, fund, period, now)
    return _export(report, fmt, tableau, now, _file_name(fund.code, period))
