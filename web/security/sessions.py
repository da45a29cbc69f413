"""Who is signed in: the signed session cookie's content and its life cycle.

The cookie itself is Starlette's SessionMiddleware (itsdangerous-signed, HttpOnly,
SameSite=Lax, Secure when asked). It carries a random session id, the CSRF token,
the user id and a fingerprint of the password hash, so changing a password ends
every session opened with the old one. Signing out records the session id as
revoked for the rest of the cookie's life.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from dialer.models import User

SESSION_COOKIE = "dialer_session"
SESSION_MAX_AGE_S = 10 * 60 * 60  # one working day


class RevokedSessions:
    """Session ids signed out before their cookie expired (process-local)."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, sid: str) -> None:
        now = self.clock()
        with self._lock:
            self._until = {k: v for k, v in self._until.items() if v > now}
            self._until[sid] = now + self.ttl_s

    def is_revoked(self, sid: str) -> bool:
        with self._lock:
            until = self._until.get(sid)
        return until is not None and until > self.clock()


def password_fingerprint(secret_key: str, user: User) -> str:
    digest = hmac.new(secret_key.encode(), user.password_hash.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def ensure_csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, creating an anonymous session if there is none."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        session["sid"] = secrets.token_urlsafe(24)
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def start_session(session: dict[str, Any], user: User, secret_key: str) -> None:
    """Rotate: a fresh id and CSRF token, nothing kept from before sign-in."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(24)
    session["csrf"] = secrets.token_urlsafe(32)
    session["uid"] = user.id
    session["fp"] = password_fingerprint(secret_key, user)


def end_session(session: dict[str, Any], revoked: RevokedSessions) -> None:
    sid = session.get("sid")
    if isinstance(sid, str):
        revoked.revoke(sid)
    session.clear()


def session_user_id(session: dict[str, Any], revoked: RevokedSessions) -> int | None:
    uid, sid = session.get("uid"), session.get("sid")
    if not isinstance(uid, int) or not isinstance(sid, str) or revoked.is_revoked(sid):
        return None
    return uid


def session_matches(session: dict[str, Any], user: User, secret_key: str) -> bool:
    expected = password_fingerprint(secret_key, user)
    return hmac.compare_digest(str(session.get("fp", "")), expected)
