"""CSRF check on every state-changing request made with the cookie session."""

from __future__ import annotations

import hmac

from fastapi import Request

from web.refusals import french_error

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_REFUSED_FR = (
    "Jeton de sécurité (CSRF) manquant ou invalide : rechargez la page puis recommencez."
)


async def csrf_guard(request: Request) -> None:
    """App-wide dependency: the token of the form (or header) must be the session's."""
    if request.method not in UNSAFE_METHODS:
        return
    if _token_api_call(request):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or await _form_token(request)
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(sent, expected):
        raise french_error(403, CSRF_REFUSED_FR)


def _token_api_call(request: Request) -> bool:
    # Machine clients authenticate with a bearer token and carry no cookie to forge.
    return "authorization" in request.headers and not request.cookies


async def _form_token(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""
