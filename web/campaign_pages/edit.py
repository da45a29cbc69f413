"""Editing a campaign: what may change while it runs is said, the rest refused with why."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import Session, select

from dialer.campaigns.caller_ids import national_text
from dialer.campaigns.lifecycle import (
    EDITABLE_WHILE_RUNNING_FR,
    LOCKED_WHILE_RUNNING_FR,
    CampaignEdit,
    apply_edit,
    started,
)
from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.themes import THEMES
from web.deps import DbSession, FormDep, IdPath, ManagerUser
from web.pages.campaign_form import WEEKDAYS_FR, read_campaign_form
from web.pages.campaigns import load_campaign
from web.refusals import HUMAN_ERRORS, french_error
from web.render import render

router = APIRouter()


def _values(campaign: Campaign) -> dict[str, Any]:
    policy = campaign.calling_policy or {}
    windows = ", ".join(f"{w['start'][:5]}-{w['end'][:5]}" for w in policy.get("windows", []))
    return {
        "code": campaign.code, "nom": campaign.name, "theme": campaign.theme,
        "caisse": str(campaign.fund_id), "numero_presente": national_text(campaign.caller_id),
        "plages": windows, "jours": [str(d) for d in policy.get("weekdays", [])],
        "tentatives_max": str(policy.get("max_attempts", "")),
        "abandon_cible": f"{campaign.abandon_target * 100:g}".replace(".", ","),
        "post_appel": str(campaign.wrap_up_seconds),
    }  # fmt: skip


def _page(
    request: Request, db: Session, campaign: Campaign, values: dict[str, Any],
    problems: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    context = {
        "campaign": campaign, "values": values, "problems": problems, "editing": True,
        "locked": started(campaign), "themes": THEMES, "weekdays": WEEKDAYS_FR,
        "funds": list(db.exec(select(Fund).order_by(Fund.name))),
        "editable": EDITABLE_WHILE_RUNNING_FR, "locked_fr": LOCKED_WHILE_RUNNING_FR,
    }  # fmt: skip
    return render(request, "campaigns/edit.html", context, status=status)


def _closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise french_error(409, "La campagne est clôturée : ses réglages sont définitifs.")


@router.get("/campagnes/{campaign_id}/modifier")
def edit_page(request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession) -> Response:
    campaign = load_campaign(db, campaign_id)
    _closed(campaign)
    return _page(request, db, campaign, _values(campaign), {})


@router.post("/campagnes/{campaign_id}/modifier")
def edit(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    _closed(campaign)
    fund_ids = {fund_id for fund_id in db.exec(select(Fund.id)) if fund_id is not None}
    result = read_campaign_form(form, fund_ids)
    if not result.problems:
        draft = result.draft
        edit = CampaignEdit(draft.name, draft.theme, draft.fund_id, draft.caller_id, draft.policy)
        contacts = db.exec(
            select(func.count())
            .select_from(CampaignContact)
            .where(CampaignContact.campaign_id == campaign_id)
        ).one()
        try:
            apply_edit(db, campaign, edit, has_contacts=contacts > 0)
        except HUMAN_ERRORS as error:
            # Refused before any change (check_edit runs first): nothing to roll back.
            result.problems["theme"] = str(error)
        else:
            db.commit()
            return RedirectResponse(f"/campagnes/{campaign_id}", status_code=303)
    values: dict[str, Any] = {key: form.get(key, "") for key in _values(campaign)}
    values["jours"] = [v for v in form.getlist("jours") if isinstance(v, str)]
    values["code"] = campaign.code
    return _page(request, db, campaign, values, result.problems, 400)
