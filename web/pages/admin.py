"""Administrators create the accounts people sign in with."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from dialer.accounts import AccountError, Role, create_user, throttle
from dialer.accounts.models import User
from dialer.accounts.phones import PhoneEndpointError, set_phone_endpoint
from dialer.accounts.roles import role_label_fr
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.core.columns import utcnow
from web.deps import AdminUser, DbSession, FormDep, IdPath, WebStateDep
from web.forms import field_text
from web.pages.login_delays import login_delays
from web.render import render
from web.security.client_address import client_address

router = APIRouter()
DONE_FR = {
    "desactive": "Compte {name} désactivé : ses sessions sont fermées.",
    "deja-desactive": "Le compte {name} était déjà désactivé : rien n'a changé.",
    "reactive": "Compte {name} réactivé : il peut se connecter avec son mot de passe.",
    "deja-actif": "Le compte {name} était déjà actif : rien n'a changé.",
    "role": (
        "Rôle de {name} changé : ses sessions sont fermées, "
        "il se reconnecte avec ses nouveaux droits."
    ),
    "role-inchange": "Le compte {name} avait déjà ce rôle : rien n'a changé.",
}


def done_message_fr(code: str, name: str) -> str:
    template = DONE_FR.get(code)
    return template.format(name=name) if template else ""


def admin_page(request: Request, db: DbSession, status: int = 200, **extra: object) -> Response:
    """The accounts and the creation form; ``extra`` carries a message or the typed values."""
    users = db.exec(select(User).order_by(User.username)).all()
    delays = login_delays(db, utcnow())
    waiting = {delay.key for delay in delays if delay.waiting}
    rows = [
        {"user": u, "locked": throttle.account_key(u.username) in waiting,
         "role_label": role_label_fr(u.role)}
        for u in users
    ]  # fmt: skip
    roles = {role.value: role_label_fr(role.value) for role in Role}
    context = {
        "rows": rows,
        "roles": roles,
        "delays": delays,
        "me": getattr(request.state.user, "id", None),
        **extra,
    }
    return render(request, "admin/users.html", context, status=status)


@router.get("/admin/utilisateurs")
def users_page(
    request: Request,
    _admin: AdminUser,
    db: DbSession,
    cree: Annotated[str, Query(max_length=50)] = "",
    poste: Annotated[str, Query(max_length=50)] = "",
    delai_leve: Annotated[str, Query(max_length=100)] = "",
    fait: Annotated[str, Query(max_length=20)] = "",
    compte: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    return admin_page(
        request, db, created=cree, phone_set=poste, delay_cleared=delai_leve,
        done=done_message_fr(fait, compte),
    )  # fmt: skip


@router.post("/admin/utilisateurs")
def create_user_page(request: Request, _admin: AdminUser, db: DbSession, form: FormDep) -> Response:
    names = ("identifiant", "nom", "role", "poste")
    values = {name: field_text(form, name, 300) for name in names}
    password = form.get("mot_de_passe")
    try:
        user = create_user(
            db, values["identifiant"], values["nom"], values["role"],
            password if isinstance(password, str) else "", values["poste"] or None,
        )  # fmt: skip
        db.commit()
    except AccountError as error:
        db.rollback()
        return admin_page(request, db, status=400, error=str(error), values=values)
    return RedirectResponse(f"/admin/utilisateurs?cree={user.username}", status_code=303)


@router.post("/admin/utilisateurs/{user_id}/poste")
def set_phone_page(
    request: Request, user_id: IdPath, _admin: AdminUser, db: DbSession, form: FormDep
) -> Response:
    """The phone the PBX rings for this agent; checked like every value sent to AMI."""
    user = db.get(User, user_id)
    if user is None:
        return admin_page(request, db, status=404, error="Compte introuvable.")
    try:
        set_phone_endpoint(db, user, field_text(form, "poste", 300))
        db.commit()
    except PhoneEndpointError as error:
        db.rollback()
        return admin_page(request, db, status=400, error=f"{user.username} : {error}")
    return RedirectResponse(f"/admin/utilisateurs?poste={user.username}", status_code=303)


@router.post("/admin/utilisateurs/delais/lever")
def clear_login_delay(
    request: Request, admin: AdminUser, db: DbSession, form: FormDep, state: WebStateDep
) -> Response:
    """The account's failed sign-ins forgotten at once, e.g. for an agent on the phone."""
    name = field_text(form, "compte", 100)
    row = throttle.clear_account(db, name)
    if row is None:
        return admin_page(
            request, db, status=404, error="Aucun échec de connexion en cours pour ce compte."
        )
    record_access(
        db, actor=admin.username, actor_role=admin.role, action=TrailAction.LOGIN_DELAY_CLEARED,
        person_id=None, fields=[], address=client_address(request, state.trusted_proxies),
        detail=f"compte {row.key} : {row.failures} échec(s) effacé(s)",
    )  # fmt: skip
    db.commit()
    return RedirectResponse(
        f"/admin/utilisateurs?{urlencode({'delai_leve': row.key})}", status_code=303
    )
