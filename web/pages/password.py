"""A signed-in person replaces their password; forced after an administrator's reset.

The change ends every session of the account (on every web process) and opens a
fresh one for this browser, so the person carries on while any other copy of the
old session is refused.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dialer.accounts import AccountError
from dialer.accounts.administration import change_own_password
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.core.columns import utcnow
from web.deps import DbSession, FormDep, SignedInUser, WebStateDep
from web.render import render
from web.security.client_address import client_address
from web.security.sessions import start_session

router = APIRouter()


@router.get("/mot-de-passe")
def password_page(request: Request, user: SignedInUser) -> Response:
    return render(request, "mot_de_passe.html", {"forced": user.must_change_password})


@router.post("/mot-de-passe")
def change_password(
    request: Request, user: SignedInUser, db: DbSession, form: FormDep, state: WebStateDep
) -> Response:
    new, again = (form.get(name) for name in ("nouveau", "confirmation"))
    forced = user.must_change_password
    try:
        change_own_password(
            db, user, new if isinstance(new, str) else "", again if isinstance(again, str) else ""
        )
    except AccountError as error:
        db.rollback()
        context = {"forced": forced, "error": str(error)}
        return render(request, "mot_de_passe.html", context, status=400)
    start_session(request.session, user, state.secret_key, db, utcnow())
    record_access(
        db, actor=user.username, actor_role=user.role, action=TrailAction.ACCOUNT_CHANGE,
        person_id=None, fields=[], address=client_address(request, state.trusted_proxies),
        detail=f"compte {user.username} : mot de passe changé par la personne"
        + (" (mot de passe provisoire remplacé)" if forced else ""),
    )  # fmt: skip
    db.commit()
    return RedirectResponse("/", status_code=303)
