"""Administrators create the accounts people sign in with."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from dialer.accounts import ROLE_LABELS_FR, AccountError, create_user, is_locked
from dialer.accounts.phones import PhoneEndpointError, set_phone_endpoint
from dialer.models import User, utcnow
from web.deps import AdminUser, DbSession, FormDep, IdPath
from web.forms import field_text
from web.render import render

router = APIRouter()


def _page(request: Request, db: DbSession, status: int = 200, **extra: object) -> Response:
    """The accounts and the creation form; ``extra`` carries a message or the typed values."""
    users = db.exec(select(User).order_by(User.username)).all()
    now = utcnow()
    rows = [{"user": u, "locked": is_locked(u, now)} for u in users]
    context = {"rows": rows, "roles": ROLE_LABELS_FR, **extra}
    return render(request, "admin/users.html", context, status=status)


@router.get("/admin/utilisateurs")
def users_page(
    request: Request,
    _admin: AdminUser,
    db: DbSession,
    cree: Annotated[str, Query(max_length=50)] = "",
    poste: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    return _page(request, db, created=cree, phone_set=poste)


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
        return _page(request, db, status=400, error=str(error), values=values)
    return RedirectResponse(f"/admin/utilisateurs?cree={user.username}", status_code=303)


@router.post("/admin/utilisateurs/{user_id}/poste")
def set_phone_page(
    request: Request, user_id: IdPath, _admin: AdminUser, db: DbSession, form: FormDep
) -> Response:
    """The phone the PBX rings for this agent; checked like every value sent to AMI."""
    user = db.get(User, user_id)
    if user is None:
        return _page(request, db, status=404, error="Compte introuvable.")
    try:
        set_phone_endpoint(db, user, field_text(form, "poste", 300))
        db.commit()
    except PhoneEndpointError as error:
        db.rollback()
        return _page(request, db, status=400, error=f"{user.username} : {error}")
    return RedirectResponse(f"/admin/utilisateurs?poste={user.username}", status_code=303)
