"""Rendering a page with what every page needs: the user, the CSRF token, the labels."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from dialer.accounts.roles import role_label_fr
from web.security.sessions import ensure_csrf_token
from web.state import web_state


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    page = {
        "user": user,
        "role_label": role_label_fr(user.role) if user is not None else "",
        "csrf_token": ensure_csrf_token(request.session),
        **(context or {}),
    }
    return web_state(request).templates.TemplateResponse(request, name, page, status_code=status)
