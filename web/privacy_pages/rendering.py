"""Rendering the DPO's pages from this package's templates, with the app's base layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from dialer.accounts import ROLE_LABELS_FR
from dialer.accounts.roles import parse_role
from web.security.sessions import ensure_csrf_token

HERE = Path(__file__).parent
_environment = Environment(
    loader=ChoiceLoader(
        [FileSystemLoader(HERE / "templates"), FileSystemLoader(HERE.parent / "templates")]
    ),
    autoescape=select_autoescape(default=True),
)
templates = Jinja2Templates(env=_environment)


def render_dpo(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Same page context as ``web.render.render``: user, role label, CSRF token."""
    user = getattr(request.state, "user", None)
    role = parse_role(user.role) if user is not None else None
    page = {
        "user": user,
        "role_label": ROLE_LABELS_FR[role] if role else "",
        "csrf_token": ensure_csrf_token(request.session),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, page, status_code=status)
