"""A campaign's supervision settings, for its managers: supervisors enabled on it, the
transfer destinations its agents may use, and whether agents see they are listened to."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from dialer.accounts import Role
from dialer.accounts.models import User
from dialer.campaigns.supervision import CampaignSupervisor, DestinationKind, TransferDestination
from dialer.engine.callcontrol import journal
from dialer.engine.callcontrol.rules import CallControlDenied
from dialer.wording import Kind, label
from web.bounds import parse_id
from web.deps import DbSession, FormDep, IdPath, ManagerUser
from web.forms import field_text
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render

router = APIRouter()
KIND_LABELS_FR = {kind: label(Kind.DESTINATION, kind) for kind in DestinationKind}
DUPLICATE_FR = "Cette destination est déjà dans la liste de la campagne."


def _page(
    request: Request, db: Session, campaign_id: int, error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    campaign = load_campaign(db, campaign_id)
    enabled = set(journal.supervisors_of(db, campaign_id))
    supervisors = db.exec(
        select(User).where(User.role == Role.SUPERVISOR.value).order_by(col(User.full_name))
    ).all()
    context: dict[str, Any] = {
        "campaign": campaign,
        "destinations": journal.destinations_of(db, campaign_id),
        "kinds": KIND_LABELS_FR,
        "supervisors": [{"user": s, "enabled": (s.id or 0) in enabled} for s in supervisors],
        "shows_listening": journal.shows_listening(db, campaign_id),
        "error": error,
        "values": values or {},
    }
    return render(request, "supervision/settings.html", context, status=400 if error else 200)


def _back(campaign_id: int) -> Response:
    return RedirectResponse(f"/campagnes/{campaign_id}/supervision", status_code=303)


@router.get("/campagnes/{campaign_id}/supervision")
def settings_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    return _page(request, db, campaign_id)


@router.post("/campagnes/{campaign_id}/supervision/destinations")
def add_destination(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    load_campaign(db, campaign_id)
    values = {name: field_text(form, name, 120) for name in ("libelle", "cible", "type")}
    kind = values["type"] if values["type"] in set(DestinationKind) else None
    if kind is None:
        return _page(request, db, campaign_id, "Choisissez le type de destination.", values)
    target = journal.normalised_target(values["cible"])
    if target is not None and target in {
        d.target for d in journal.destinations_of(db, campaign_id)
    }:
        return _page(request, db, campaign_id, DUPLICATE_FR, values)
    try:
        journal.add_destination(
            db, campaign_id, values["libelle"], values["cible"], DestinationKind(kind)
        )
    except CallControlDenied as denied:
        db.rollback()
        return _page(request, db, campaign_id, str(denied), values)
    db.commit()
    return _back(campaign_id)


@router.post("/campagnes/{campaign_id}/supervision/destinations/{destination_id}/retirer")
def remove_destination(
    campaign_id: IdPath, destination_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    row = db.get(TransferDestination, destination_id)
    if row is None or row.campaign_id != campaign_id:
        raise french_error(404, "Destination introuvable.")
    db.delete(row)
    db.commit()
    return _back(campaign_id)


@router.post("/campagnes/{campaign_id}/supervision/superviseurs")
def toggle_supervisor(
    campaign_id: IdPath, manager: ManagerUser, db: DbSession, form: FormDep
) -> Response:
    load_campaign(db, campaign_id)
    user_id = parse_id(field_text(form, "superviseur", 12))
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.role != Role.SUPERVISOR.value:
        raise french_error(404, "Superviseur introuvable.")
    link = db.exec(
        select(CampaignSupervisor).where(
            CampaignSupervisor.campaign_id == campaign_id, CampaignSupervisor.user_id == user.id
        )
    ).first()
    if link is not None:
        db.delete(link)
    elif not user.active:
        raise french_error(409, "Ce compte est désactivé : il ne peut pas être habilité.")
    else:
        journal.enable_supervisor(db, campaign_id, user.id or 0, manager.username)
    db.commit()
    return _back(campaign_id)


@router.post("/campagnes/{campaign_id}/supervision/politique")
def set_policy(campaign_id: IdPath, _user: ManagerUser, db: DbSession, form: FormDep) -> Response:
    load_campaign(db, campaign_id)
    journal.set_shows_listening(db, campaign_id, field_text(form, "ecoute_visible", 3) == "oui")
    db.commit()
    return _back(campaign_id)
