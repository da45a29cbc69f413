"""Who is signed in: the signed session cookie's content and its life cycle.

The cookie itself is Starlette's SessionMiddleware (itsdangerous-signed, HttpOnly,
SameSite=Lax, Secure when asked). It carries a random session id, the CSRF token,
the user id and a fingerprint of the password hash. The session id names a row of
the database (``dialer.accounts.sessions``) that every web process reads on each
request: signing out, disabling the account or changing the password closes it on
all of them at once, and a restart forgets nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session

from dialer.accounts.models import User
from dialer.accounts.sessions import close_session, open_session, session_is_open
from dialer.core.columns import require_id

SESSION_COOKIE = "dialer_session"
SESSION_MAX_AGE_S = 10 * 60 * 60  # one working day


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


def start_session(
    session: dict[str, Any], user: User, secret_key: str, db: Session, now: datetime
) -> None:
    """Rotate: a fresh id and CSRF token, nothing kept from before sign-in."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(24)
    session["csrf"] = secrets.token_urlsafe(32)
    session["uid"] = user.id
    session["fp"] = password_fingerprint(secret_key, user)
    open_session(db, session["sid"], require_id(user), now, SESSION_MAX_AGE_S)


def end_session(session: dict[str, Any], db: Session, now: datetime) -> None:
    sid = session.get("sid")
    if isinstance(sid, str):
        close_session(db, sid, now)
    session.clear()


def session_user_id(session: dict[str, Any], db: Session, now: datetime) -> int | None:
    """The signed-in user's id, if the cookie names a session still open."""
    named = named_session(session)
    if named is None:
        return None
    uid, sid = named
    return uid if session_is_open(db, sid, uid, now) else None


def named_session(session: dict[str, Any]) -> tuple[int, str] | None:
    """The (user id, session id) the cookie names, if well formed; open or not."""
    uid, sid = session.get("uid"), session.get("sid")
    if not isinstance(uid, int) or not isinstance(sid, str):
        return None
    return uid, sid


def session_matches(session: dict[str, Any], user: User, secret_key: str) -> bool:
    expected = password_fingerprint(secret_key, user)
    return hmac.compare_digest(str(session.get("fp", "")), expected)
