"""Checking a sign-in, slowed down per account name and per client address.

A wrong password and an unknown name get the same French message, and a name
under delay gets the same wait whether it exists or not: the answers never tell
which accounts exist. See ``throttle`` for the delays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from dialer.accounts import throttle
from dialer.accounts.models import User
from dialer.accounts.passwords import hash_password, needs_rehash, verify_decoy, verify_password
from dialer.accounts.users import PASSWORD_MAX, find_user

LOGIN_FAILED_FR = "Identifiant ou mot de passe incorrect."


class LoginOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # unknown user, wrong password or inactive account
    WAIT = "wait"  # too many failures: no password checked


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    wait: throttle.Wait | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is LoginOutcome.OK

    @property
    def message_fr(self) -> str:
        if self.wait is not None:
            return self.wait.message_fr
        return "" if self.ok else LOGIN_FAILED_FR


def authenticate(
    session: Session, username: str, password: str, now: datetime,
    address: str = "inconnue", address_budget: int = throttle.ADDRESS_FAILURES,
) -> LoginResult:  # fmt: skip
    """Check the credentials at ``now`` (naive UTC) from ``address``; count a failure.

    ``address_budget`` is how many failures ``address`` may make per window.
    """
    wait = throttle.wait_before(session, username, address, now)
    if wait is not None:
        return LoginResult(LoginOutcome.WAIT, wait=wait)
    user = find_user(session, username) if len(username) <= 100 else None
    if user is None or not user.active or len(password) > PASSWORD_MAX:
        verify_decoy(password[:PASSWORD_MAX])
    elif verify_password(user.password_hash, password):
        _record_success(session, user, password)
        throttle.record_success(session, username)
        return LoginResult(LoginOutcome.OK, user)
    throttle.record_failure(session, username, address, now, address_budget)
    return LoginResult(LoginOutcome.REFUSED)


def _record_success(session: Session, user: User, password: str) -> None:
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
        session.commit()
