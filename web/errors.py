"""Every refusal as a French message: JSON for the API, an error page for people."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import TimeoutError as PoolExhausted
from starlette.exceptions import HTTPException as StarletteHTTPException

from dialer.core.errors import Conflict, DomainError, NotFound
from web.refusals import (
    HUMAN_ERRORS,
    FrenchHTTPException,
    NotAuthenticated,
    PasswordChangeRequired,
)
from web.render import render
from web.security.headers import apply_security_headers

log = logging.getLogger(__name__)
FORCED_CHANGE_PAGE = "/mot-de-passe"

DEFAULT_MESSAGES_FR: dict[int, str] = {
    400: "Requête invalide.",
    401: "Authentification requise : connectez-vous.",
    403: "Accès refusé : votre rôle ne permet pas d'ouvrir cette page.",
    404: "Page introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    409: "Conflit avec l'état actuel des données.",
    413: "La requête est trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    422: "Données invalides.",
    429: "Trop de requêtes : patientez avant de recommencer.",
    500: "Erreur interne : l'incident est consigné, réessayez plus tard.",
    503: "Service momentanément saturé : réessayez dans quelques secondes.",
}
# Every database connection was busy for ``db_pool_timeout_s``: a rush (a whole floor
# signing in), not a fault. Clients and proxies retry after this many seconds.
POOL_RETRY_AFTER_S = 2


# A refusal because of the current state is a conflict; anything else the domain refuses
# is a request that cannot be carried out as made.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = ((Conflict, 409), (NotFound, 404))


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(NotAuthenticated, _on_not_authenticated)
    app.add_exception_handler(PasswordChangeRequired, _on_password_change_required)
    for refusal in HUMAN_ERRORS:
        app.add_exception_handler(refusal, _on_refusal)
    app.add_exception_handler(ValueError, _on_value_error)
    app.add_exception_handler(PoolExhausted, _on_pool_exhausted)
    app.add_exception_handler(Exception, _on_unexpected)


def _message_of(exc: StarletteHTTPException) -> str:
    if isinstance(exc, FrenchHTTPException) and isinstance(exc.detail, str):
        return exc.detail
    return DEFAULT_MESSAGES_FR.get(exc.status_code, "La requête n'a pas pu aboutir.")


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return error_response(request, exc.status_code, _message_of(exc), exc.headers)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = [_describe(error) for error in exc.errors()]
    if is_api(request):
        return JSONResponse({"detail": "Données invalides.", "erreurs": problems}, 422)
    return error_response(request, 400, "Requête invalide : " + " ; ".join(problems))


def refusal_status(error: ValueError) -> int:
    """The HTTP status of a refusal meant for people (see ``HUMAN_ERRORS``)."""
    for kind, status in _DOMAIN_STATUS:
        if isinstance(error, kind):
            return status
    return 400


async def _on_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValueError)
    return error_response(request, refusal_status(exc), str(exc))


async def _on_value_error(request: Request, exc: Exception) -> Response:
    # Any other ValueError is not written for people: its text may name internals.
    log.exception("value refused on %s %s", request.method, request.url.path)
    return error_response(request, 400, DEFAULT_MESSAGES_FR[400])


async def _on_not_authenticated(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse({"detail": DEFAULT_MESSAGES_FR[401]}, 401)
    target = request.url.path
    return RedirectResponse(f"/connexion?suite={quote(target, safe='/')}", status_code=303)


async def _on_password_change_required(request: Request, exc: Exception) -> Response:
    message = "Changez d'abord le mot de passe provisoire que l'administrateur vous a donné."
    if is_api(request):
        return JSONResponse({"detail": message}, 403)
    return RedirectResponse(FORCED_CHANGE_PAGE, status_code=303)


async def _on_pool_exhausted(request: Request, exc: Exception) -> Response:
    log.warning("no database connection free for %s %s", request.method, request.url.path)
    headers = {"Retry-After": str(POOL_RETRY_AFTER_S)}
    return error_response(request, 503, DEFAULT_MESSAGES_FR[503], headers)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    response = error_response(request, 500, DEFAULT_MESSAGES_FR[500])
    # This answer comes from outside the middleware stack: add the headers here.
    apply_security_headers(response.headers, "/")
    return response


def _describe(error: Any) -> str:
    where = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    name = ".".join(where) or "requête"
    return f"le paramètre « {name} » n'est pas valide"


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if is_api(request) or not hasattr(request.app.state, "web"):
        return JSONResponse({"detail": message}, status, headers=headers)
    context = {"status": status, "message": message}
    response = render(request, "error.html", context, status=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
