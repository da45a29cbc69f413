"""Slowing down password guessing without letting anyone lock an account out.

Per account name: the first failures are free, then each failure makes the next
attempt wait twice as long (2 s, 4 s, 8 s... at most 15 minutes); a success wipes the
count. An attacker's few guesses cost the real user seconds, not a quarter of an hour,
and only relentless guessing reaches the long waits.

Per client address: a budget of failures per window, generous enough for a whole call
centre signing in behind one NAT, that only a guessing machine exhausts.

The counts live in the database so every web process applies the same ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from dialer.accounts.models import LoginThrottle
from dialer.core.french import count_fr

FREE_FAILURES = 3
MAX_DELAY_S = 15 * 60
ADDRESS_FAILURES = 300
ADDRESS_WINDOW = timedelta(minutes=15)
# Rows of names and addresses quiet for this long are forgotten.
FORGET_AFTER = timedelta(days=1)
KEY_MAX = 100


class Scope(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Wait:
    """A refusal: try again in ``seconds``."""

    scope: Scope
    seconds: int

    @property
    def message_fr(self) -> str:
        wait = count_fr(self.seconds, "seconde", "secondes")
        return f"Trop de tentatives : réessayez dans {wait}."


def account_delay_s(failures: int) -> int:
    """How long an account waits after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES + 1), MAX_DELAY_S))


def account_key(username: str) -> str:
    # Names are found case-insensitively: « Gestion » and « gestion » share one count.
    return username.strip().lower()[:KEY_MAX]


def wait_before(session: Session, username: str, address: str, now: datetime) -> Wait | None:
    """The refusal an attempt gets before any password is checked, or None."""
    for scope, key in ((Scope.ADDRESS, address), (Scope.ACCOUNT, account_key(username))):
        row = _row(session, scope, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            seconds = math.ceil((row.blocked_until - now).total_seconds())
            return Wait(scope, max(seconds, 1))
    return None


def record_failure(
    session: Session, username: str, address: str, now: datetime,
    address_budget: int = ADDRESS_FAILURES,
) -> None:  # fmt: skip
    """Count one failed attempt against the name typed and the client address."""
    account = _locked_row(session, Scope.ACCOUNT, account_key(username), now)
    account.failures += 1
    account.last_failure_at = now
    delay = account_delay_s(account.failures)
    account.blocked_until = now + timedelta(seconds=delay) if delay else None
    place = _locked_row(session, Scope.ADDRESS, address[:KEY_MAX], now)
    if place.window_start + ADDRESS_WINDOW <= now:
        place.failures, place.window_start, place.blocked_until = 0, now, None
    place.failures += 1
    place.last_failure_at = now
    if place.failures >= address_budget:
        place.blocked_until = place.window_start + ADDRESS_WINDOW
    session.add_all([account, place])
    session.execute(
        delete(LoginThrottle).where(col(LoginThrottle.last_failure_at) < now - FORGET_AFTER)
    )
    session.commit()


def record_success(session: Session, username: str) -> None:
    """A right password: the account's failures no longer count (the address's still do)."""
    session.execute(
        delete(LoginThrottle).where(
            col(LoginThrottle.scope) == Scope.ACCOUNT.value,
            col(LoginThrottle.key) == account_key(username),
        )
    )
    session.commit()


def delayed_accounts(session: Session) -> list[LoginThrottle]:
    """The account names with failures on record, the most recent first."""
    query = (
        select(LoginThrottle)
        .where(col(LoginThrottle.scope) == Scope.ACCOUNT.value, col(LoginThrottle.failures) > 0)
        .order_by(col(LoginThrottle.last_failure_at).desc())
    )
    return list(session.exec(query).all())


def clear_account(session: Session, username: str) -> LoginThrottle | None:
    """Forget the account's failures (not committed); the row removed, or None."""
    row = _row(session, Scope.ACCOUNT, account_key(username))
    if row is not None:
        session.delete(row)
        session.flush()
    return row


def _row(session: Session, scope: Scope, key: str) -> LoginThrottle | None:
    query = select(LoginThrottle).where(
        col(LoginThrottle.scope) == scope.value, col(LoginThrottle.key) == key
    )
    return session.exec(query).first()


def _locked_row(session: Session, scope: Scope, key: str, now: datetime) -> LoginThrottle:
    """The row, locked for this transaction; created when missing, by one process only."""
    query = select(LoginThrottle).where(
        col(LoginThrottle.scope) == scope.value, col(LoginThrottle.key) == key
    )
    row = session.exec(query.with_for_update()).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(scope=scope.value, key=key, window_start=now,
                                      last_failure_at=now))  # fmt: skip
    except IntegrityError:
        pass  # another process created it first: count on its row
    return session.exec(query.with_for_update()).one()
