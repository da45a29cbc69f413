"""Activating, pausing, resuming and closing a campaign from its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dialer.campaigns.lifecycle import (
    CampaignEvent,
    allowed_campaign_events,
    campaign_status,
    move_campaign,
)
from dialer.campaigns.models import CampaignStatus
from dialer.campaigns.readiness import load_readiness
from dialer.compliance.privacy.closing import close_and_purge, codes_to_purge, contacts_not_done
from dialer.compliance.privacy.retention import RetentionPolicy
from dialer.core.columns import require_id
from dialer.wording import Kind, label
from web.deps import DbSession, FormDep, IdPath, ManagerUser, NowDep
from web.forms import field_text
from web.pages.campaign_buttons import BUTTONS, NOTICE_KEY
from web.pages.campaigns import load_campaign
from web.refusals import HUMAN_ERRORS, french_error
from web.render import render

router = APIRouter()
_BY_WORD = {b.word: b for b in BUTTONS.values() if b.event is not CampaignEvent.CLOSE}


@router.post("/campagnes/{campaign_id}/etat/{action}")
def move(
    campaign_id: IdPath, action: str, _user: ManagerUser, db: DbSession, now: NowDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    button = _BY_WORD.get(action)
    if button is None:
        raise french_error(404, "Action introuvable.")
    if button.event is CampaignEvent.ACTIVATE:
        unmet = [item.label_fr for item in load_readiness(db, campaign, now) if not item.met]
        if unmet:
            raise french_error(
                409,
                "La campagne ne peut pas encore être activée : " + ", ".join(unmet).lower() + ".",
            )
    try:
        move_campaign(db, campaign, button.event)
    except HUMAN_ERRORS as error:
        raise french_error(409, str(error)) from error
    db.commit()
    return RedirectResponse(f"/campagnes/{campaign_id}", status_code=303)


@router.get("/campagnes/{campaign_id}/cloture")
def close_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    campaign = load_campaign(db, campaign_id)
    status = campaign_status(campaign)
    if CampaignEvent.CLOSE not in allowed_campaign_events(status):
        raise french_error(409, "La campagne est déjà clôturée.")
    context = {
        "campaign": campaign,
        "status": label(Kind.CAMPAIGN_STATUS, campaign.status),
        "codes": len(codes_to_purge(db, campaign, RetentionPolicy())),
        "left": contacts_not_done(db, require_id(campaign)),
        "running": status is CampaignStatus.ACTIVE,
    }
    return render(request, "campaigns/close.html", context)


@router.post("/campagnes/{campaign_id}/cloture")
def close(
    request: Request, campaign_id: IdPath, user: ManagerUser, db: DbSession, now: NowDep,
    form: FormDep,
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    # Only the confirmation page's button closes: a stray request cannot.
    if field_text(form, "confirmer", 4) != "oui":
        raise french_error(400, "Confirmez la clôture depuis sa page : rien n'a changé.")
    try:
        report = close_and_purge(db, campaign, user.username, now)
    except HUMAN_ERRORS as error:
        raise french_error(409, str(error)) from error
    db.commit()
    request.session[NOTICE_KEY] = report.text_fr()
    return RedirectResponse(f"/campagnes/{campaign_id}", status_code=303)
