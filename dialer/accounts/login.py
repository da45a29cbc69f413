"""Checking a sign-in, and locking an account after repeated failures.

Every refusal carries the same French message, so the answer never tells
whether the username exists, the password was wrong or the account is locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from dialer.accounts.passwords import hash_password, needs_rehash, verify_decoy, verify_password
from dialer.accounts.users import PASSWORD_MAX, find_user
from dialer.models import User

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
LOGIN_FAILED_FR = (
    "Identifiant ou mot de passe incorrect. Après 5 échecs, le compte est verrouillé "
    "pendant 15 minutes."
)


class LoginOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # unknown user, wrong password or inactive account
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is LoginOutcome.OK

    @property
    def message_fr(self) -> str:
        return "" if self.ok else LOGIN_FAILED_FR


def authenticate(session: Session, username: str, password: str, now: datetime) -> LoginResult:
    """Check the credentials at ``now`` (naive UTC) and record the attempt on the account."""
    user = find_user(session, username) if len(username) <= 100 else None
    if user is None or not user.active or len(password) > PASSWORD_MAX:
        verify_decoy(password[:PASSWORD_MAX])
        return LoginResult(LoginOutcome.REFUSED)
    if user.locked_until is not None and user.locked_until > now:
        # Attempts during the lock neither count nor extend it.
        verify_decoy(password)
        return LoginResult(LoginOutcome.LOCKED)
    if not verify_password(user.password_hash, password):
        _record_failure(session, user, now)
        return LoginResult(LoginOutcome.REFUSED)
    _record_success(session, user, password)
    return LoginResult(LoginOutcome.OK, user)


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _record_failure(session: Session, user: User, now: datetime) -> None:
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins = 0  # an expired lock starts a fresh count
        user.locked_until = None
    user.failed_logins += 1
    if user.failed_logins >= LOCK_AFTER_FAILURES:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
    session.add(user)
    session.commit()


def _record_success(session: Session, user: User, password: str) -> None:
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
