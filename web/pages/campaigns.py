"""Manager pages: the campaign list, creating a campaign, a campaign's detail."""

from __future__ import annotations

import unicodedata
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.list_progress import SEARCH_MAX, CampaignFilters, list_campaigns
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.campaigns.setup import create_campaign
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.themes import THEMES
from dialer.wording import Kind, choices, label
from web.bounds import parse_id
from web.deps import DbSession, FormDep, IdPath, ManagerUser, NowDep, RuntimeDep
from web.pages.campaign_buttons import NOTICE_KEY
from web.pages.campaign_form import DEFAULT_VALUES, WEEKDAYS_FR, read_campaign_form
from web.pages.campaign_overview import overview
from web.refusals import HUMAN_ERRORS, french_error
from web.render import render

router = APIRouter()


def load_campaign(db: Session, campaign_id: int) -> Campaign:
    campaign = db.get(Campaign, campaign_id)
    if campaign is None:
        raise french_error(404, "Campagne introuvable.")
    return campaign


def _filters(request: Request) -> CampaignFilters:
    """The list's filters from the query string; a value no list offers is a 400."""
    params = request.query_params
    fund_text, status, theme = (
        params.get("caisse", ""),
        params.get("etat", ""),
        params.get("theme", ""),
    )
    search = params.get("q", "").strip()
    fund_id = parse_id(fund_text) if fund_text else None
    if fund_text and fund_id is None:
        raise french_error(400, "Caisse : choisissez une caisse de la liste.")
    if status and status not in choices(Kind.CAMPAIGN_STATUS):
        raise french_error(400, "État : choisissez un état de la liste.")
    if theme and theme not in THEMES:
        raise french_error(400, "Thème : choisissez un thème de la liste.")
    if len(search) > SEARCH_MAX or any(unicodedata.category(c) == "Cc" for c in search):
        raise french_error(
            400, f"Recherche : {SEARCH_MAX} caractères au plus, sans caractère de contrôle."
        )
    return CampaignFilters(fund_id, status or None, theme or None, search)


@router.get("/campagnes")
def campaign_list(request: Request, _user: ManagerUser, db: DbSession, now: NowDep) -> Response:
    filters = _filters(request)
    rows = list_campaigns(db, filters, now)
    context = {
        "rows": rows, "themes": THEMES, "filters": filters,
        "statuses": choices(Kind.CAMPAIGN_STATUS),
        "funds": list(db.exec(select(Fund).order_by(Fund.name))),
        "filtered": filters != CampaignFilters(),
    }  # fmt: skip
    return render(request, "campaigns/list.html", context)


def _form_context(db: Session, values: dict[str, Any], problems: dict[str, str]) -> dict[str, Any]:
    funds = list(db.exec(select(Fund).order_by(Fund.name)))
    return {
        "themes": THEMES, "funds": funds, "weekdays": WEEKDAYS_FR,
        "values": values, "problems": problems,
    }  # fmt: skip


@router.get("/campagnes/nouvelle")
def new_campaign_page(request: Request, _user: ManagerUser, db: DbSession) -> Response:
    return render(request, "campaigns/new.html", _form_context(db, dict(DEFAULT_VALUES), {}))


@router.post("/campagnes/nouvelle")
def create_campaign_page(
    request: Request, _user: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    fund_ids = {fund_id for fund_id in db.exec(select(Fund.id)) if fund_id is not None}
    result = read_campaign_form(form, fund_ids)
    if not result.problems:
        draft = result.draft
        fund = db.get(Fund, draft.fund_id)
        assert fund is not None
        try:
            campaign = create_campaign(
                db, draft.code, draft.name, draft.theme, fund, draft.caller_id, draft.policy
            )
        except HUMAN_ERRORS as error:
            result.problems["code"] = str(error)
        else:
            # The pacing reads these columns; the form sets them through the policy.
            campaign.abandon_target = draft.policy.abandon_target
            campaign.wrap_up_seconds = draft.policy.wrap_up_seconds
            db.commit()
            return RedirectResponse(f"/campagnes/{campaign.id}", status_code=303)
    values: dict[str, object] = {key: form.get(key, "") for key in DEFAULT_VALUES}
    values["jours"] = [v for v in form.getlist("jours") if isinstance(v, str)]
    for key in ("code", "nom", "theme", "caisse", "numero_presente"):
        values[key] = form.get(key, "")
    context = _form_context(db, values, result.problems)
    return render(request, "campaigns/new.html", context, status=400)


@router.get("/campagnes/{campaign_id}")
def campaign_detail(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession,
    runtime: RuntimeDep, now: NowDep,
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    fund = db.get(Fund, campaign.fund_id)
    contacts = db.exec(
        select(func.count())
        .select_from(CampaignContact)
        .where(CampaignContact.campaign_id == campaign_id)
    ).one()
    agents = db.exec(
        select(func.count())
        .select_from(CampaignAgent)
        .where(CampaignAgent.campaign_id == campaign_id)
    ).one()
    jobs = db.exec(
        select(ImportJob)
        .where(ImportJob.campaign_id == campaign_id)
        .order_by(col(ImportJob.started_at).desc())
    ).all()
    context = {
        "campaign": campaign, "fund": fund, "contacts": contacts, "agents": agents,
        "jobs": jobs, "theme": THEMES.get(campaign.theme), "weekdays": WEEKDAYS_FR,
        "status": label(Kind.CAMPAIGN_STATUS, campaign.status),
        "notice": request.session.pop(NOTICE_KEY, None),
    }  # fmt: skip
    context.update(overview(db, runtime.engine, campaign, now))
    return render(request, "campaigns/detail.html", context)
