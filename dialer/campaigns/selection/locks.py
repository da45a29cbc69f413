"""One live call per person: the lock rows a claim takes and every end of an attempt frees.

A claim holds three keys per contact: the person (``p:``), the person's NIR lookup
hash (``n:``, shared by the identities one insured person has in several funds)
and the number dialled (``t:``, shared by a household). The keys are the primary
key of ``LiveCallLock``, so two claims, in any campaign, fund or process, cannot
both hold one: the claim inserts them with ``ON CONFLICT DO NOTHING`` in its own
transaction and gives up the contacts whose keys another attempt holds (on
PostgreSQL the insert waits for a concurrent claim of the same key to commit).

A lock counts until its ``expires_at``: the worker that placed the call pushes it
forward while it runs (``renew_locks``), so the locks of a dead worker lapse after
one lease and the next claim of the person takes them over. Once the call is
bridged to an agent, its locks no longer lapse (``hold_for_agent``): the PBX
carries a bridged call whatever becomes of the worker, for as long as the person
talks, and only the agent's outcome (or the call's end, outcome written) frees them.
Once that call has ended without an outcome, the agent has ``OUTCOME_WRITING_HOLD``
to write it (``hold_after_talk``): a desk that never saw the call (its screen pop
lost with a killed worker) must not keep the person from every campaign for ever.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.campaigns.selection.models import LiveCallLock

Executor = Connection | Session

PERSON, NIR, NUMBER = "p:", "n:", "t:"
# The expiry of a bridged call's locks: the agent, not a lease, holds the person.
AGENT_HOLD = datetime(9999, 12, 31)
# After a talk the line is free: the agent writing the outcome holds the person this long.
OUTCOME_WRITING_HOLD = timedelta(minutes=10)


def lock_keys(person_id: int, nir_lookup: str | None, number: str | None) -> list[str]:
    """The keys a call to this person on this number holds."""
    keys = [f"{PERSON}{person_id}"]
    if nir_lookup:
        keys.append(f"{NIR}{nir_lookup}")
    if number:
        keys.append(f"{NUMBER}{number}")
    return keys


def dialled_number(person: Any) -> str | None:
    """The number a claim dials: the first one, else the second."""
    return person.phone_e164 or person.phone2_e164  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Wanted:
    """The locks one contact's new attempt asks for."""

    contact_id: int
    attempt_id: int
    keys: tuple[str, ...]


def _insert(dialect: str) -> Any:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(LiveCallLock).on_conflict_do_nothing(index_elements=["key"])


def take_locks(
    conn: Connection,
    wanted: Sequence[Wanted],
    campaign_id: int,
    worker_id: str,
    now: datetime,
    expires_at: datetime,
) -> set[int]:
    """Locks every key of each contact, or none of them; the contacts that got all theirs."""
    keys = sorted(key for one in wanted for key in one.keys)
    if not keys:
        return set()
    # A lapsed lock (its worker died) gives way; a live one stays and wins.
    conn.execute(
        delete(LiveCallLock).where(
            col(LiveCallLock.key).in_(keys), col(LiveCallLock.expires_at) <= now
        )
    )
    rows = [
        {"key": key, "attempt_id": one.attempt_id, "contact_id": one.contact_id,
         "campaign_id": campaign_id, "worker_id": worker_id, "expires_at": expires_at,
         "created_at": now}
        for one in wanted
        for key in one.keys
    ]  # fmt: skip
    # One order for every claim, so that two claims waiting on each other's keys
    # (PostgreSQL) always take them in the same order and never deadlock.
    rows.sort(key=lambda row: str(row["key"]))
    statement = _insert(conn.dialect.name).returning(col(LiveCallLock.key))
    taken = {str(row[0]) for row in conn.execute(statement, rows)}
    won = {one.contact_id for one in wanted if all(key in taken for key in one.keys)}
    lost = [one.attempt_id for one in wanted if one.contact_id not in won]
    release_locks(conn, lost)
    return won


def release_locks(db: Executor, attempt_ids: Iterable[int]) -> None:
    """Free the person and the number of attempts that ended or were given back."""
    ids = sorted(set(attempt_ids))
    if ids:
        db.execute(delete(LiveCallLock).where(col(LiveCallLock.attempt_id).in_(ids)))


def sweep_lapsed_locks(db: Executor, now: datetime) -> int:
    """Delete the locks nobody renewed (their worker stopped); returns how many."""
    result = db.execute(delete(LiveCallLock).where(col(LiveCallLock.expires_at) <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def hold_for_agent(db: Executor, attempt_id: int) -> None:
    """The call is bridged: its locks last until the outcome frees them, not one lease."""
    db.execute(
        update(LiveCallLock)
        .where(col(LiveCallLock.attempt_id) == attempt_id)
        .values(expires_at=AGENT_HOLD)
        .execution_options(synchronize_session=False)
    )


def hold_after_talk(db: Executor, attempt_id: int, ended_at: datetime) -> None:
    """The bridged call ended before its outcome: the person is held while it is written."""
    db.execute(
        update(LiveCallLock)
        .where(col(LiveCallLock.attempt_id) == attempt_id)
        .values(expires_at=ended_at + OUTCOME_WRITING_HOLD)
        .execution_options(synchronize_session=False)
    )


def renew_locks(engine: Engine, worker_id: str, expires_at: datetime) -> None:
    """The worker is alive: the locks of its attempts still open stay held."""
    open_attempts = select(col(CallAttempt.id)).where(
        col(CallAttempt.worker_id) == worker_id, col(CallAttempt.result).is_(None)
    )
    with engine.begin() as conn:
        conn.execute(
            update(LiveCallLock)
            .where(
                col(LiveCallLock.worker_id) == worker_id,
                col(LiveCallLock.attempt_id).in_(open_attempts),
                col(LiveCallLock.expires_at) < expires_at,  # never shortens an agent's hold
            )
            .values(expires_at=expires_at)
        )


@dataclass(frozen=True)
class HeldLock:
    key: str
    contact_id: int
    campaign_id: int
    campaign_code: str


@cache
def _held_query() -> Any:
    # Built once: constructing the statement costs more than running it on a batch.
    return (
        select(
            col(LiveCallLock.key),
            col(LiveCallLock.contact_id),
            col(LiveCallLock.campaign_id),
            col(Campaign.code),
        )
        .join(Campaign, col(Campaign.id) == col(LiveCallLock.campaign_id))
        .where(
            col(LiveCallLock.key).in_(bindparam("keys", expanding=True)),
            col(LiveCallLock.expires_at) > bindparam("now", type_=DateTime()),
        )
    )


def held_locks(db: Executor, keys: Iterable[str], now: datetime) -> dict[str, HeldLock]:
    """The live locks among ``keys``, by key, with the campaign holding each."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = db.execute(_held_query(), {"keys": wanted, "now": now})
    return {row[0]: HeldLock(*row) for row in rows}
