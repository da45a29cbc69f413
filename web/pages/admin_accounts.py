"""Administrators deactivate, reactivate, reset and re-role existing accounts; each act traced.

Sessions live in the database: ending them here refuses the account's cookie on every
web process at its next request. A temporary password is shown once, in the answer to
the POST, never in an address (addresses end up in logs and browser history).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from dialer.accounts.administration import change_role, deactivate, reactivate, reset_password
from dialer.accounts.models import User
from dialer.accounts.roles import role_label_fr
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.core.columns import require_id, utcnow
from dialer.core.errors import Conflict, DomainError
from dialer.engine.calling.withdrawal import withdraw_agent
from web.deps import AdminUser, DbSession, FormDep, IdPath, WebStateDep
from web.forms import field_text
from web.pages.admin import admin_page
from web.security.client_address import client_address

router = APIRouter()


@router.post("/admin/utilisateurs/{user_id}/desactiver")
def deactivate_page(
    request: Request, user_id: IdPath, admin: AdminUser, db: DbSession, state: WebStateDep
) -> Response:
    def act(user: User) -> tuple[str, str]:
        withdrawn = _withdraw(db, admin, user)
        changed = deactivate(db, admin, user)
        return ("desactive", "désactivé" + withdrawn) if changed else ("deja-desactive", "")

    return _act(request, user_id, admin, db, state, act)


@router.post("/admin/utilisateurs/{user_id}/reactiver")
def reactivate_page(
    request: Request, user_id: IdPath, admin: AdminUser, db: DbSession, state: WebStateDep
) -> Response:
    def act(user: User) -> tuple[str, str]:
        changed = reactivate(db, user)
        return ("reactive", "réactivé") if changed else ("deja-actif", "")

    return _act(request, user_id, admin, db, state, act)


@router.post("/admin/utilisateurs/{user_id}/role")
def change_role_page(
    request: Request, user_id: IdPath, admin: AdminUser, db: DbSession, form: FormDep,
    state: WebStateDep,
) -> Response:  # fmt: skip
    def act(user: User) -> tuple[str, str]:
        before = role_label_fr(user.role)
        wanted = field_text(form, "role", 32)
        withdrawn = _withdraw(db, admin, user) if wanted != user.role else ""
        new = change_role(db, admin, user, wanted)
        if new is None:
            return "role-inchange", ""
        return "role", f"rôle « {before} » remplacé par « {role_label_fr(new.value)} »{withdrawn}"

    return _act(request, user_id, admin, db, state, act)


@router.post("/admin/utilisateurs/{user_id}/mot-de-passe")
def reset_password_page(
    request: Request, user_id: IdPath, admin: AdminUser, db: DbSession, state: WebStateDep
) -> Response:
    user = _user_or_404(request, user_id, db)
    if isinstance(user, Response):
        return user
    try:
        withdrawn = _withdraw(db, admin, user)
        temporary = reset_password(db, admin, user)
    except DomainError as error:
        db.rollback()
        return admin_page(request, db, status=_status(error), error=str(error))
    detail = "mot de passe réinitialisé (changement imposé)" + withdrawn
    _trace(request, db, admin, state, user, detail)
    db.commit()
    shown = {"username": user.username, "password": temporary}
    page = admin_page(request, db, temporary=shown)
    # The password is in this answer only: no cache may keep it.
    page.headers["Cache-Control"] = "no-store"
    return page


def _act(
    request: Request, user_id: int, admin: User, db: Session, state: WebStateDep,
    act: Callable[[User], tuple[str, str]],
) -> Response:  # fmt: skip
    """Run ``act`` (the outcome's code and the trail's detail, blank when nothing changed)."""
    user = _user_or_404(request, user_id, db)
    if isinstance(user, Response):
        return user
    try:
        code, detail = act(user)
    except DomainError as error:
        db.rollback()
        return admin_page(request, db, status=_status(error), error=str(error))
    if detail:
        _trace(request, db, admin, state, user, detail)
    db.commit()
    query = urlencode({"fait": code, "compte": user.username})
    return RedirectResponse(f"/admin/utilisateurs?{query}", status_code=303)


def _withdraw(db: Session, admin: User, user: User) -> str:
    """Take the agent out of its campaign first (the trail's words), refusing during a call."""
    if admin.id == user.id:
        return ""  # refused below, by the account rules, with their message
    return " ; retiré de sa campagne" if withdraw_agent(db, require_id(user), utcnow()) else ""


def _status(error: DomainError) -> int:
    return 409 if isinstance(error, Conflict) else 400


def _user_or_404(request: Request, user_id: int, db: Session) -> User | Response:
    user = db.get(User, user_id)
    if user is None:
        return admin_page(request, db, status=404, error="Compte introuvable.")
    return user


def _trace(
    request: Request, db: Session, admin: User, state: WebStateDep, user: User, detail: str
) -> None:
    record_access(
        db, actor=admin.username, actor_role=admin.role, action=TrailAction.ACCOUNT_CHANGE,
        person_id=None, fields=[], address=client_address(request, state.trusted_proxies),
        detail=f"compte {user.username} : {detail}",
    )  # fmt: skip
