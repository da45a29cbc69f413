"""Claiming contacts for a dialler worker: one transaction, locked rows, fresh facts.

A claim chooses candidates, locks them, judges them on facts read under the
lock, then leases them to the worker and creates the call attempts, so each
attempt id exists before its call is placed. PostgreSQL locks the rows with
``FOR UPDATE SKIP LOCKED`` (two workers never wait on each other) and judges
them again; SQLite has a single writer, so the transaction takes the write lock
before reading anything (``BEGIN IMMEDIATE``): two processes are served one
after the other and the selection itself already reads under the lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, DateTime, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility import Block, BlockCode, check_contact
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.selection.candidates import campaign_policy, select_candidates
from dialer.campaigns.selection.facts import in_ids, load_facts
from dialer.campaigns.selection.locks import (
    Wanted,
    dialled_number,
    lock_keys,
    sweep_lapsed_locks,
    take_locks,
)
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person

DEFAULT_LEASE_SECONDS = 120
# PostgreSQL: candidates asked for beyond the wanted count, for the rows another
# worker locked meanwhile or the fresh re-check turns down.
SLACK_FACTOR = 2

_cc = CampaignContact


@dataclass(frozen=True)
class Claim:
    contact_id: int
    person_id: int
    campaign_id: int
    wave_id: int | None
    attempt_id: int
    number_e164: str
    territory: str
    time_zone: str


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that may write, committed on success."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # pysqlite would open a deferred transaction that only asks for the
            # write lock at the first write, after the reads that chose the rows.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def _lease_free(now: Any) -> Any:
    return or_(col(_cc.lease_expires_at).is_(None), col(_cc.lease_expires_at) <= now)


@cache
def _lock_query(dialect: str) -> Any:
    now = bindparam("now", type_=DateTime())
    query = select(col(_cc.id)).where(
        in_ids(col(_cc.id), dialect), col(_cc.status) == ContactStatus.PENDING, _lease_free(now)
    )
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def _lock(conn: Connection, ids: Sequence[int], now: datetime) -> set[int]:
    """The candidates still pending and free, locked for this transaction."""
    rows = conn.execute(_lock_query(conn.dialect.name), {"ids": list(ids), "now": now})
    return {cast(int, row[0]) for row in rows}


def _recheck(
    conn: Connection, ids: Sequence[int], policy: CallingPolicy, now: datetime, count: int
) -> list[int]:
    facts = load_facts(conn, ids, now)
    kept: list[int] = []
    for contact_id in ids:
        if contact_id in facts and check_contact(facts[contact_id], policy, now) is None:
            kept.append(contact_id)
            if len(kept) >= count:
                break
    return kept


def _claimable(
    conn: Connection, policy: CallingPolicy, campaign_id: int, count: int, now: datetime,
    wave_id: int | None,
) -> list[int]:  # fmt: skip
    """The contacts to lease, locked and judged on facts read under the lock."""
    if conn.dialect.name == "sqlite":
        # BEGIN IMMEDIATE took the write lock before the selection read anything:
        # its facts are already fresh and no other writer can change them.
        return select_candidates(conn, campaign_id, count, now, wave_id=wave_id, policy=policy)
    candidates = select_candidates(
        conn, campaign_id, count * SLACK_FACTOR, now, wave_id=wave_id, policy=policy
    )
    locked = _lock(conn, candidates, now) if candidates else set()
    # Read committed: the candidates were judged on an earlier snapshot.
    return _recheck(conn, [i for i in candidates if i in locked], policy, now, count)


@cache
def _people_query(dialect: str) -> Any:
    return (
        select(
            col(_cc.id),
            col(_cc.person_id),
            col(Person.phone_e164),
            col(Person.phone2_e164),
            col(Person.territory),
            col(Person.time_zone),
            col(Person.nir_lookup),
        )
        .join(Person, col(Person.id) == col(_cc.person_id))
        .where(in_ids(col(_cc.id), dialect))
    )


def _people(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    rows = conn.execute(_people_query(conn.dialect.name), {"ids": list(ids)})
    return {row.id: row for row in rows}


def _lease(
    conn: Connection, ids: Sequence[int], worker_id: str, now: datetime, lease_seconds: int
) -> None:
    conn.execute(
        update(_cc)
        .where(col(_cc.id).in_(ids))
        .values(
            status=ContactStatus.IN_PROGRESS,
            lease_owner=worker_id,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=col(_cc.attempts) + 1,
            last_attempt_at=now,
            updated_at=now,
        )
    )


def _insert_attempts(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    statement = insert(CallAttempt).returning(col(CallAttempt.id), sort_by_parameter_order=True)
    return [cast(int, row[0]) for row in conn.execute(statement, rows)]


def _attempt_row(
    person: Any, campaign_id: int, wave_id: int | None, worker_id: str, now: datetime
) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "contact_id": person.id,
        "person_id": person.person_id,
        "wave_id": wave_id,
        "worker_id": worker_id,
        "number_e164": dialled_number(person),
        "state": "dialing",
        "created_at": now,
    }


def _keys(person: Any) -> tuple[str, ...]:
    return tuple(lock_keys(person.person_id, person.nir_lookup, dialled_number(person)))


def _one_per_key(ids: Sequence[int], people: dict[int, Any]) -> list[int]:
    """The contacts in order, less those sharing a person, NIR or number with an earlier one."""
    seen: set[str] = set()
    kept: list[int] = []
    for contact_id in ids:
        keys = _keys(people[contact_id])
        if seen.isdisjoint(keys):
            seen.update(keys)
            kept.append(contact_id)
    return kept


def _open_attempts(
    conn: Connection, ids: list[int], people: dict[int, Any], campaign_id: int,
    wave_id: int | None, worker_id: str, now: datetime, lease_seconds: int,
) -> dict[int, int]:  # fmt: skip
    """Attempts of the contacts that got their live-call locks, by contact id."""
    rows = [_attempt_row(people[i], campaign_id, wave_id, worker_id, now) for i in ids]
    attempts = dict(zip(ids, _insert_attempts(conn, rows), strict=True))
    wanted = [Wanted(i, attempts[i], _keys(people[i])) for i in ids]
    expires = now + timedelta(seconds=lease_seconds)
    won = take_locks(conn, wanted, campaign_id, worker_id, now, expires)
    lost = [attempts[i] for i in ids if i not in won]
    if lost:
        # Another call holds the person or the number: as if never chosen.
        conn.execute(delete(CallAttempt).where(col(CallAttempt.id).in_(lost)))
    return {i: attempts[i] for i in ids if i in won}


def claim_contacts(
    engine: Engine,
    campaign_id: int,
    worker_id: str,
    count: int,
    now: datetime,
    *,
    wave_id: int | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
) -> list[Claim]:
    """Leases up to ``count`` callable contacts to ``worker_id`` and opens their attempts.

    ``now`` is naive UTC. Returns the claims in calling order, possibly fewer than
    asked (even none) when fewer contacts are callable or others hold them. A
    contact is claimed only with the live-call locks of its person and number
    (``dialer.campaigns.selection.locks``): never while another call, in any campaign, holds them.
    """
    if count <= 0:
        return []
    with write_transaction(engine) as conn:
        policy = campaign_policy(conn, campaign_id)
        ids = _claimable(conn, policy, campaign_id, count, now, wave_id)
        if not ids:
            return []
        people = _people(conn, ids)
        ids = _one_per_key([i for i in ids if dialled_number(people[i])], people)
        if not ids:
            return []
        attempts = _open_attempts(
            conn, ids, people, campaign_id, wave_id, worker_id, now, lease_seconds
        )
        ids = [i for i in ids if i in attempts]
        if ids:
            _lease(conn, ids, worker_id, now, lease_seconds)
    return [
        Claim(
            contact_id=i,
            person_id=people[i].person_id,
            campaign_id=campaign_id,
            wave_id=wave_id,
            attempt_id=attempts[i],
            number_e164=dialled_number(people[i]) or "",
            territory=people[i].territory,
            time_zone=people[i].time_zone,
        )
        for i in ids
    ]


ONE_HELD_FR = "Cette personne est déjà en cours d'appel ou réservée : réessayez plus tard."
NO_NUMBER_FR = "Cette personne n'a aucun numéro appelable."


def claim_contact(
    engine: Engine,
    campaign_id: int,
    contact_id: int,
    worker_id: str,
    now: datetime,
    *,
    wave_id: int | None = None,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
) -> Claim | Block:
    """Lease one chosen contact (an agent's manual dial) as ``claim_contacts`` leases many.

    The same lock, the same facts and rules (``check_contact``: consent, limitation,
    caps, windows, retry delays, a live call elsewhere) and the same live-call locks of
    the person and the number: a person called by hand is never called twice at once
    nor outside the rules. Returns the claim, or the ``Block`` that stops it.
    """
    with write_transaction(engine) as conn:
        policy = campaign_policy(conn, campaign_id)
        if not _lock(conn, [contact_id], now):
            return Block(BlockCode.LIVE_CALL, ONE_HELD_FR, None)
        facts = load_facts(conn, [contact_id], now)
        if contact_id not in facts:
            return Block(BlockCode.DONE, ONE_HELD_FR, None)
        block = check_contact(facts[contact_id], policy, now)
        if block is not None:
            return block
        people = _people(conn, [contact_id])
        number = dialled_number(people[contact_id])
        if not number:
            return Block(BlockCode.DONE, NO_NUMBER_FR, None)
        attempts = _open_attempts(
            conn, [contact_id], people, campaign_id, wave_id, worker_id, now, lease_seconds
        )
        if contact_id not in attempts:
            return Block(BlockCode.LIVE_CALL, ONE_HELD_FR, None)
        _lease(conn, [contact_id], worker_id, now, lease_seconds)
    person = people[contact_id]
    return Claim(
        contact_id=contact_id, person_id=person.person_id, campaign_id=campaign_id,
        wave_id=wave_id, attempt_id=attempts[contact_id], number_e164=number,
        territory=person.territory, time_zone=person.time_zone,
    )  # fmt: skip


def release_expired_leases(engine: Engine, now: datetime) -> int:
    """Contacts whose worker stopped renewing go back to pending; returns how many.

    Attempts are not given back: the call may have been placed. Their open call
    attempts stay as they are, for the worker's reconciliation. The live-call locks
    their worker no longer renews (it died) are deleted; those of a worker still
    running stay, since its call may still be going.
    """
    with write_transaction(engine) as conn:
        sweep_lapsed_locks(conn, now)
        result = conn.execute(
            update(_cc)
            .where(
                col(_cc.status) == ContactStatus.IN_PROGRESS,
                col(_cc.lease_expires_at).is_not(None),
                col(_cc.lease_expires_at) <= now,
            )
            .values(
                status=ContactStatus.PENDING,
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
        return int(result.rowcount or 0)


def renew_lease(
    engine: Engine,
    contact_id: int,
    worker_id: str,
    now: datetime,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
) -> bool:
    """Extends the worker's lease on a contact it still holds; False if it lost it.

    A contact without an expiry is held by the agent on its call (see the recorder's
    connect): a renewal racing with that connect must not arm a lease again, which
    would expire mid-talk and hand the person to a second, simultaneous call.
    """
    with write_transaction(engine) as conn:
        result = conn.execute(
            update(_cc)
            .where(
                col(_cc.id) == contact_id,
                col(_cc.status) == ContactStatus.IN_PROGRESS,
                col(_cc.lease_owner) == worker_id,
                col(_cc.lease_expires_at).is_not(None),
            )
            .values(lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)
        )
        return int(result.rowcount or 0) == 1
