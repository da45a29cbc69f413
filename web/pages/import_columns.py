"""The mapping step of an upload: each unknown header -> a theme column or « ignorer »."""

from __future__ import annotations

import shutil
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dialer.contacts.themes import get_theme
from dialer.contacts.themes.columns import theme_fields
from web.deps import DbSession, FormDep, IdPath, ManagerUser, WebStateDep
from web.pages.campaigns import load_campaign
from web.refusals import french_error

router = APIRouter()
MAX_COLUMNS = 50


@router.post("/campagnes/{campaign_id}/import/colonnes")
def map_columns(request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession,
                form: FormDep, state: WebStateDep) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    token = str(form.get("attente") or "")
    names = {spec.name for spec in theme_fields(get_theme(campaign.theme))}
    pairs = _pairs(form, names)
    held = state.imports.release(token, campaign_id)
    if held is None:
        raise french_error(
            404, "Fichier en attente introuvable (délai dépassé ou service redémarré) : "
            "envoyez-le de nouveau.",
        )  # fmt: skip
    if form.get("annuler"):
        shutil.rmtree(held.path.parent, ignore_errors=True)
        return RedirectResponse(f"/campagnes/{campaign_id}/import", status_code=303)
    ticket = state.imports.start(replace(held, column_map=pairs))
    return RedirectResponse(f"/campagnes/{campaign_id}/import/{ticket}", status_code=303)


def _pairs(form: FormDep, names: set[str]) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for index in range(MAX_COLUMNS):
        header = form.get(f"entete_{index}")
        if not isinstance(header, str):
            break
        target = str(form.get(f"colonne_{index}") or "")
        if target and target not in names:
            raise french_error(400, f"Colonne du thème inconnue pour « {header[:100]} ».")
        pairs.append((header[:200], target or "ignorer"))
    return tuple(pairs)
