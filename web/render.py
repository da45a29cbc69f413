"""Rendering a page with what every page needs: the user, the CSRF token, the labels."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from dialer.accounts import ROLE_LABELS_FR
from dialer.accounts.roles import parse_role
from web.security.sessions import ensure_csrf_token
from web.state import web_state


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    role = parse_role(user.role) if user is not None else None
    page = {
        "user": user,
        "role_label": ROLE_LABELS_FR[role] if role else "",
        "csrf_token": ensure_csrf_token(request.session),
        **(context or {}),
    }
    return web_state(request).templates.TemplateResponse(request, name, page, status_code=status)
