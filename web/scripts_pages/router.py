"""The campaign's call script: edit the current version, preview it live, save a new one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from dialer.contacts.themes import THEMES
from scripts.checking import preview as checked_preview
from scripts.errors import ScriptError
from scripts.models import ScriptVersion
from scripts.sandbox import MAX_BODY_BYTES
from scripts.versions import current_version, list_versions, save_new_version
from web.deps import DbSession, FormDep, IdPath, IdQuery, ManagerUser
from web.pages.campaigns import load_campaign
from web.render import render

router = APIRouter()
BODY_FIELD = "corps"


def _body(form: Any) -> str:
    value = form.get(BODY_FIELD)
    # Browsers send CRLF from a textarea; the stored script keeps plain newlines.
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def _editor(
    request: Request,
    db: Session,
    campaign: Campaign,
    body: str | None = None,
    error: str | None = None,
    saved: int | None = None,
) -> Response:
    current = current_version(db, campaign.theme, campaign.id)
    db.commit()  # the theme's shipped script may just have become its version 1
    own = list_versions(db, campaign.theme, campaign.id)
    defaults = list_versions(db, campaign.theme, None)
    preview = checked_preview(current.body if body is None else body, campaign.theme)
    context = {
        "campaign": campaign,
        "theme": THEMES.get(campaign.theme),
        "current": current,
        "body": current.body if body is None else body,
        "versions": own,
        "defaults": defaults,
        "preview": preview,
        "error": error,
        "saved": saved,
        "max_kb": MAX_BODY_BYTES // 1024,
    }
    return render(request, "scripts/editor.html", context, status=400 if error else 200)


@router.get("/campagnes/{campaign_id}/script")
def script_page(
    request: Request,
    campaign_id: IdPath,
    _user: ManagerUser,
    db: DbSession,
    depuis: IdQuery = None,
    enregistre: IdQuery = None,
) -> Response:
    campaign = load_campaign(db, campaign_id)
    body = None
    if depuis is not None:
        older = db.get(ScriptVersion, depuis)
        if (
            older is not None
            and older.theme == campaign.theme
            and older.campaign_id
            in (
                None,
                campaign.id,
            )
        ):
            body = older.body
    return _editor(request, db, campaign, body=body, saved=enregistre)


@router.post("/campagnes/{campaign_id}/script")
def save_script(
    request: Request, campaign_id: IdPath, user: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    body = _body(form)
    try:
        version = save_new_version(db, campaign.theme, campaign.id, body, user.username)
    except ScriptError as error:
        db.rollback()
        return _editor(request, db, campaign, body=body, error=str(error))
    db.commit()
    target = f"/campagnes/{campaign_id}/script?enregistre={version.version}"
    return RedirectResponse(target, status_code=303)


@router.post("/campagnes/{campaign_id}/script/apercu")
def preview_script(
    campaign_id: IdPath, _user: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    campaign = load_campaign(db, campaign_id)
    rendered = checked_preview(_body(form), campaign.theme)
    return JSONResponse({"ok": rendered.ok, "html": str(rendered.html), "error": rendered.error})
