"""Signed-in sessions kept in the database, so every web process sees the same ones.

A session is open from sign-in until it expires, its user signs out, the account is
disabled or its password changes. Each request reads its row by primary key: one
indexed lookup, on whichever process serves it, and a restart forgets nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col

from dialer.accounts.models import UserSession


def open_session(
    session: Session, session_id: str, user_id: int, now: datetime, max_age_s: float
) -> UserSession:
    """Record a new session; sessions expired by now are swept away with it."""
    session.execute(delete(UserSession).where(col(UserSession.expires_at) <= now))
    row = UserSession(
        id=session_id,
        user_id=user_id,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age_s),
    )
    session.add(row)
    session.flush()
    return row


def session_is_open(session: Session, session_id: str, user_id: int, now: datetime) -> bool:
    row = session.get(UserSession, session_id)
    return (
        row is not None
        and row.user_id == user_id
        and row.revoked_at is None
        and row.expires_at > now
    )


def close_session(session: Session, session_id: str, now: datetime) -> None:
    """Sign-out: this session is refused from now on, by every process."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == session_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def close_user_sessions(session: Session, user_id: int, now: datetime) -> int:
    """Every open session of the user ends (account disabled, password changed)."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
