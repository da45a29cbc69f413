"""The access trail: who read or changed which fields of whom, chained by hash.

Each entry's hash covers its own content and the previous entry's hash, so an
edited, inserted or deleted row breaks the chain where it happened. Only field
NAMES are stored, never values: the trail itself must hold no personal data.

Appends are serialised so the chain never forks. On PostgreSQL the table is
locked in EXCLUSIVE mode (readers go on, a second writer waits for the commit).
On SQLite the row is inserted first with a provisional hash: that INSERT takes
the database write lock, so the previous hash is read under it and no other
writer can slip an entry in between.

Either way the trail stays locked until the caller's transaction ends: record
the access as the LAST write of a transaction, so the lock is short and always
taken after the other locks (no deadlock with code that locks rows first).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from dialer.compliance.privacy.models import AccessEntry
from dialer.core.columns import require_id, utcnow
from dialer.core.errors import DomainError

GENESIS_HASH = "0" * 64
DETAIL_MAX = 500


class TrailAction(StrEnum):
    SCREEN_POP = "screen_pop"
    SEARCH = "search"
    EXPORT = "export"
    REVEAL_SECRET = "reveal_secret"  # noqa: S105 - an action name, not a secret
    FEED_PULL = "feed_pull"
    RIGHTS_REQUEST = "rights_request"
    OUTCOME = "outcome"
    PURGE = "purge"
    TRAIL_READ = "trail_read"
    LOGIN_DELAY_CLEARED = "login_delay_cleared"
    # An agent's manual dial: the call asked, or refused by the rules (never sent).
    MANUAL_DIAL = "manual_dial"
    MANUAL_DIAL_REFUSED = "manual_dial_refused"
    ACCOUNT_CHANGE = "account_change"
    CALL_SUPERVISION = "call_supervision"  # a supervisor listens, whispers or barges
    CALL_CONTROL = "call_control"  # hold, transfer, conference on a person's call
    REFUSED = "refused"  # an access asked and refused (never reached the PBX)


@dataclass(frozen=True)
class Requester:
    """Who reads or acts, as the trail records them."""

    actor: str
    actor_role: str = "dpo"
    address: str | None = None


class TrailError(DomainError):
    """An entry that cannot be written as asked; the message is French."""


def canonical_content(entry: AccessEntry) -> str:
    """The text an entry's hash is computed over: every column but the hash itself."""
    content: dict[str, Any] = {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "person_id": entry.person_id,
        "fields": list(entry.fields or []),
        "campaign_id": entry.campaign_id,
        "attempt_id": entry.attempt_id,
        "address": entry.address,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(entry: AccessEntry) -> str:
    return hashlib.sha256(canonical_content(entry).encode("utf-8")).hexdigest()


def canonical_around_link(entry: AccessEntry) -> tuple[str, str, str]:
    """The canonical text of ``entry`` cut where its id and its previous hash go: (before
    the id, between the two, after the previous hash), for a database linking it itself.

    The id is a JSON number and the previous hash a JSON string without escapes, so the
    text is ``before + str(id) + between + prev_hash + after``.
    """
    mark = uuid.uuid4().hex  # no text of the entry can hold it
    id_mark, prev_mark = f"{mark}i", f"{mark}p"
    cut = canonical_content(entry.model_copy(update={"id": id_mark, "prev_hash": prev_mark}))
    before, rest = cut.split(f'"{id_mark}"')
    between, after = rest.split(prev_mark)
    return before, between, after


def new_entry(
    *,
    actor: str,
    actor_role: str,
    action: TrailAction | str,
    person_id: int | None,
    fields: list[str] | tuple[str, ...] | frozenset[str] | set[str],
    campaign_id: int | None = None,
    attempt_id: int | None = None,
    address: str | None = None,
    detail: str | None = None,
) -> AccessEntry:
    """An entry checked and trimmed, not yet linked: its id and hashes are provisional."""
    checked_action = _action(action)
    if not actor.strip():
        raise TrailError("L'auteur de l'accès est obligatoire.")
    return AccessEntry(
        at=utcnow(),
        actor=actor.strip()[:100],
        actor_role=actor_role[:16],
        action=checked_action.value,
        person_id=person_id,
        fields=sorted(set(fields)),
        campaign_id=campaign_id,
        attempt_id=attempt_id,
        address=address[:64] if address else None,
        detail=detail[:DETAIL_MAX] if detail else None,
        # Provisional values, unique so the INSERT never collides; replaced once linked.
        prev_hash=GENESIS_HASH,
        entry_hash=uuid.uuid4().hex + uuid.uuid4().hex,
    )


def record_access(
    session: Session,
    *,
    actor: str,
    actor_role: str,
    action: TrailAction | str,
    person_id: int | None,
    fields: list[str] | tuple[str, ...] | frozenset[str] | set[str],
    campaign_id: int | None = None,
    attempt_id: int | None = None,
    address: str | None = None,
    detail: str | None = None,
) -> AccessEntry:
    """Append one entry in the caller's transaction (flushed, not committed)."""
    entry = new_entry(
        actor=actor, actor_role=actor_role, action=action, person_id=person_id, fields=fields,
        campaign_id=campaign_id, attempt_id=attempt_id, address=address, detail=detail,
    )  # fmt: skip
    return append_entry(session, entry)


def append_entry(session: Session, entry: AccessEntry) -> AccessEntry:
    """``entry`` (from ``new_entry``) linked and appended in the caller's transaction."""
    if _is_postgres(session):
        # Under the lock, the id and the previous hash in one statement, then one INSERT
        # with the final hash: the lock is held for two statements, not four. The row is
        # inserted as it is, not through the session's unit of work (every screen pop
        # appends, and the flush cost more of the interpreter than the INSERT).
        _lock_trail(session)
        entry.id, entry.prev_hash = _next_link(session)
        entry.entry_hash = compute_hash(entry)
        session.execute(insert(AccessEntry.__table__).values(**entry.model_dump()))  # type: ignore[attr-defined]
        return entry
    # SQLite: the INSERT takes the writer lock, under which the previous hash is read.
    session.add(entry)
    session.flush()
    entry.prev_hash = _previous_hash(session, require_id(entry))
    entry.entry_hash = compute_hash(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AccessRead:
    """One person's entry of a read that shows several people at once (a list page)."""

    person_id: int
    fields: tuple[str, ...]


def record_accesses(
    session: Session,
    requester: Requester,
    action: TrailAction | str,
    reads: list[AccessRead],
    *,
    campaign_id: int | None = None,
    detail: str | None = None,
) -> list[AccessEntry]:
    """One entry per person, chained as ``record_access`` would, in two round trips.

    A list page shows fifty people: fifty ``record_access`` calls cost fifty
    lock-insert-read-update cycles. The rows are inserted together under the same
    lock, then hashed in id order and updated together.
    """
    checked_action = _action(action)
    if not requester.actor.strip():
        raise TrailError("L'auteur de l'accès est obligatoire.")
    if not reads:
        return []
    _lock_trail(session)
    now = utcnow()
    entries = [
        AccessEntry(
            at=now,
            actor=requester.actor.strip()[:100],
            actor_role=requester.actor_role[:16],
            action=checked_action.value,
            person_id=read.person_id,
            fields=sorted(set(read.fields)),
            campaign_id=campaign_id,
            address=requester.address[:64] if requester.address else None,
            detail=detail[:DETAIL_MAX] if detail else None,
            prev_hash=GENESIS_HASH,
            entry_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        )  # fmt: skip
        for read in reads
    ]
    session.add_all(entries)
    session.flush()
    entries.sort(key=require_id)
    previous = _previous_hash(session, require_id(entries[0]))
    for entry in entries:
        entry.prev_hash = previous
        entry.entry_hash = previous = compute_hash(entry)
    session.flush()
    return entries


def _action(action: TrailAction | str) -> TrailAction:
    try:
        return TrailAction(action)
    except ValueError:
        raise TrailError(f"Action de traçabilité inconnue : {action!r}.") from None


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


LOCK_TRAIL_SQL = "LOCK TABLE accessentry IN EXCLUSIVE MODE"


def _lock_trail(session: Session) -> None:
    if _is_postgres(session):
        session.execute(text(LOCK_TRAIL_SQL))


# Under the table lock every committed entry has a smaller id than the one drawn here,
# so the newest one is the previous link.
NEXT_LINK_SQL = (
    "SELECT nextval(pg_get_serial_sequence('accessentry', 'id')), "
    "(SELECT entry_hash FROM accessentry ORDER BY id DESC LIMIT 1)"
)
_NEXT_LINK = text(NEXT_LINK_SQL)


def _next_link(session: Session) -> tuple[int, str]:
    """PostgreSQL, trail locked: the new entry's id and the previous entry's hash."""
    entry_id, previous = session.execute(_NEXT_LINK).one()
    return int(entry_id), previous or GENESIS_HASH


def _previous_hash(session: Session, entry_id: int) -> str:
    previous = session.exec(
        select(AccessEntry.entry_hash)
        .where(col(AccessEntry.id) < entry_id)
        .order_by(col(AccessEntry.id).desc())
        .limit(1)
    ).first()
    return previous or GENESIS_HASH


def search_trail(
    session: Session,
    *,
    person_id: int | None = None,
    actor: str | None = None,
    action: TrailAction | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AccessEntry]:
    """Entries matching every filter given, newest first. Does not record the read."""
    query = select(AccessEntry)
    if person_id is not None:
        query = query.where(col(AccessEntry.person_id) == person_id)
    if actor:
        query = query.where(col(AccessEntry.actor) == actor)
    if action:
        query = query.where(col(AccessEntry.action) == _action(action).value)
    if since is not None:
        query = query.where(col(AccessEntry.at) >= since)
    if until is not None:
        query = query.where(col(AccessEntry.at) < until)
    query = query.order_by(col(AccessEntry.id).desc()).limit(max(1, min(limit, 100_000)))
    return list(session.exec(query))
