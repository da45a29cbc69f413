"""Checking the access trail's hash chain: which entry was edited, inserted or deleted.

Entries are walked in id order with only the predecessor kept in memory, so a
trail of millions of rows is verified in constant memory. Id gaps are not
evidence on their own: PostgreSQL burns a sequence number on every rolled-back
insert. The chain alone proves a deletion: the next entry then names a previous
hash that no longer exists.

The chain cannot show that the newest entries were cut off, nor a trail
rewritten from scratch: ``chain_head`` gives the hash to keep elsewhere (the
export prints it) so a later check can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import GENESIS_HASH, compute_hash
from dialer.core.columns import require_id


class BreakKind(StrEnum):
    EDITED = "edited"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    kind: BreakKind
    message: str  # French, for the DPO
    suspects: tuple[int, ...] = ()  # the entries that are probably forged


@dataclass(frozen=True)
class ChainHead:
    count: int
    last_id: int | None
    last_hash: str


@dataclass
class _Previous:
    entry_id: int | None = None
    entry_hash: str = GENESIS_HASH


def verify_chain(session: Session, batch_size: int = 2000) -> list[ChainBreak]:
    """Every break in the chain, oldest first; an empty list means the trail is intact."""
    breaks: list[ChainBreak] = []
    previous = _Previous()
    query = (
        select(AccessEntry)
        .order_by(col(AccessEntry.id))
        .execution_options(yield_per=batch_size, populate_existing=True)
    )
    for entry in session.exec(query):
        entry_id = require_id(entry)
        if compute_hash(entry) != entry.entry_hash:
            breaks.append(_edited(entry_id))
        if entry.prev_hash != previous.entry_hash:
            breaks.append(_link_break(session, entry, previous))
        previous = _Previous(entry_id, entry.entry_hash)
    return breaks


def _edited(entry_id: int) -> ChainBreak:
    message = f"Entrée n° {entry_id} modifiée : son contenu ne correspond plus à son empreinte."
    return ChainBreak(entry_id, BreakKind.EDITED, message, (entry_id,))


def _link_break(session: Session, entry: AccessEntry, previous: _Previous) -> ChainBreak:
    entry_id = require_id(entry)
    before = f"l'entrée n° {previous.entry_id}" if previous.entry_id else "le début de la chaîne"
    if entry.prev_hash == GENESIS_HASH:
        message = (
            f"Entrée n° {entry_id} insérée : elle se présente comme la première de la chaîne "
            f"alors que {before} la précède."
        )
        return ChainBreak(entry_id, BreakKind.INSERTED, message, (entry_id,))
    claimed = session.exec(
        select(AccessEntry.id).where(col(AccessEntry.entry_hash) == entry.prev_hash)
    ).first()
    if claimed is None:
        message = (
            f"Entrée(s) supprimée(s) ou réécrite(s) entre {before} et l'entrée n° {entry_id} : "
            f"l'empreinte précédente que porte l'entrée n° {entry_id} ne correspond à aucune "
            "entrée conservée."
        )
        return ChainBreak(entry_id, BreakKind.DELETED, message, ())
    between = _ids_between(session, claimed, entry_id)
    suspects = (entry_id, *between)
    listed = ", ".join(f"n° {suspect}" for suspect in sorted(suspects))
    message = (
        f"Entrée insérée : l'entrée n° {entry_id} désigne comme précédente l'entrée "
        f"n° {claimed} au lieu de {before}. Entrée(s) en cause : {listed}."
    )
    return ChainBreak(entry_id, BreakKind.INSERTED, message, suspects)


def _ids_between(session: Session, low: int, high: int) -> tuple[int, ...]:
    rows = session.exec(
        select(AccessEntry.id)
        .where(col(AccessEntry.id) > low, col(AccessEntry.id) < high)
        .order_by(col(AccessEntry.id))
        .limit(50)
    )
    return tuple(row for row in rows if row is not None)


def chain_head(session: Session) -> ChainHead:
    """How many entries there are and the newest hash: the value to keep off-system."""
    count = session.exec(select(func.count()).select_from(AccessEntry)).one()
    last = session.exec(
        select(AccessEntry.id, AccessEntry.entry_hash).order_by(col(AccessEntry.id).desc())
    ).first()
    if last is None:
        return ChainHead(0, None, GENESIS_HASH)
    return ChainHead(int(count), last[0], last[1])
