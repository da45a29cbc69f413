"""Sign-in and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dialer.accounts import authenticate
from dialer.core.columns import utcnow
from web.deps import DbSession, FormDep, WebStateDep
from web.forms import field_text
from web.render import render
from web.security.client_address import client_address
from web.security.sessions import end_session, start_session

router = APIRouter()


def safe_next(target: str) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(char) < 32 for char in target):
        return "/"
    return target


@router.get("/connexion")
def login_page(request: Request, suite: str = "/") -> Response:
    return render(request, "connexion.html", {"next": safe_next(suite[:500])})


@router.post("/connexion")
def login(request: Request, form: FormDep, db: DbSession, state: WebStateDep) -> Response:
    target = safe_next(field_text(form, "suite", 500))
    address = client_address(request, state.trusted_proxies)
    username = field_text(form, "identifiant", 100)
    password = form.get("mot_de_passe")
    secret = password if isinstance(password, str) else ""
    result = authenticate(db, username, secret, utcnow(), address, state.login_address_failures)
    if not result.ok or result.user is None:
        context = {"next": target, "error": result.message_fr, "username": username}
        if result.wait is not None:
            page = render(request, "connexion.html", context, status=429)
            page.headers["Retry-After"] = str(result.wait.seconds)
            return page
        return render(request, "connexion.html", context, status=401)
    start_session(request.session, result.user, state.secret_key, db, utcnow())
    db.commit()
    return RedirectResponse(target, status_code=303)


@router.post("/deconnexion")
def logout(request: Request, db: DbSession) -> Response:
    end_session(request.session, db, utcnow())
    db.commit()
    return RedirectResponse("/connexion", status_code=303)
