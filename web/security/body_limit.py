"""Refuse request bodies over a size limit before they fill memory or disk."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE_FR = "La requête est trop volumineuse."
TOO_LARGE_HTML = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Requête trop volumineuse'
    '</title><link rel="stylesheet" href="/static/css/app.css"></head><body><main class="page">'
    '<h1>Requête trop volumineuse</h1><p role="alert">{message}</p>'
    '<p><a href="/">Retour à l\'accueil</a></p></main></body></html>'
)


class BodyTooLarge(Exception):
    pass


LimitFor = Callable[[Scope], int]


class BodySizeLimitMiddleware:
    """413 when the declared or the received body exceeds ``limit_for(scope)`` bytes."""

    def __init__(self, app: ASGIApp, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        if _declared_length(scope) > limit:
            await _send_413(scope, send, limit)
            return
        state = {"received": 0, "exceeded": False, "started": False}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["exceeded"] = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app answers to a body cut short is replaced by the 413.
            if state["exceeded"]:
                return
            state["started"] = True
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if state["exceeded"] and not state["started"]:
            await _send_413(scope, send, limit)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _send_413(scope: Scope, send: Send, limit: int) -> None:
    message = f"{TOO_LARGE_FR} Taille maximale : {_readable(limit)}."
    if str(scope.get("path", "")).startswith("/api/"):
        body = ('{"detail": "' + message + '"}').encode()
        content_type = b"application/json"
    else:
        body = TOO_LARGE_HTML.format(message=message).encode()
        content_type = b"text/html; charset=utf-8"
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _readable(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} Mo"
    return f"{max(1, size // 1024)} Ko"
