"""The admin's view of sign-in failures: which account names wait, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from dialer.accounts import throttle

# The call centre's clock: the admin reads local times.
LOCAL_TZ = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class LoginDelay:
    key: str
    failures: int
    waiting: bool
    until_local: str  # "" when the next attempt is free
    last_failure_local: str


def login_delays(session: Session, now: datetime) -> list[LoginDelay]:
    return [
        LoginDelay(
            key=row.key,
            failures=row.failures,
            waiting=row.blocked_until is not None and row.blocked_until > now,
            until_local=_local(row.blocked_until)
            if row.blocked_until and row.blocked_until > now
            else "",
            last_failure_local=_local(row.last_failure_at),
        )
        for row in throttle.delayed_accounts(session)
    ]


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S")
