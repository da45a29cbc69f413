"""One access checked and traced in two round trips, on a kept-open PostgreSQL connection.

A screen pop must not show a person before its access is checked again and its trail
entry committed. Through the pool that took seven round trips (ping, BEGIN, the check,
LOCK, the previous link, INSERT, COMMIT). Here the check goes alone, and once it allows
the read, BEGIN, the trail's lock, the INSERT and the COMMIT go together in one round
trip.

The trail is one chain, so every writer waits for its lock. It is now held only while
the server runs the INSERT and the COMMIT: PostgreSQL draws the id, reads the previous
link and computes the hash (``trail.canonical_around_link``), where the client used to
do it between two round trips, lock held. A pop thread kept waiting there for a core or
for the interpreter's lock made every other pop of every web process wait behind it.
The chain is the same as ``trail.record_access`` writes: the same lock, link and hash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.types.json import Json

from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import (
    GENESIS_HASH,
    LOCK_TRAIL_SQL,
    NEXT_LINK_SQL,
    canonical_around_link,
)

_TABLE = AccessEntry.__table__  # type: ignore[attr-defined]
_LINK = ("id", "prev_hash", "entry_hash")
_CONTENT = [column.name for column in _TABLE.columns if column.name not in _LINK]
_JSON_COLUMNS = frozenset(
    column.name for column in _TABLE.columns if column.type.__visit_name__ == "JSON"
)
# The hash as ``trail.compute_hash`` computes it: SHA-256 of the canonical text in UTF-8.
_LINKED_INSERT = sql.SQL(
    "INSERT INTO accessentry ({link}, {columns}) "
    "SELECT link.id, link.prev, encode(sha256(convert_to("
    "%(before)s::text || link.id::text || %(between)s::text || link.prev || %(after)s::text,"
    " 'UTF8')), 'hex'), {values} "
    "FROM (SELECT next.id, coalesce(next.prev, %(genesis)s::text) AS prev "
    "FROM (" + NEXT_LINK_SQL + ") AS next(id, prev)) AS link "
    "RETURNING id, prev_hash, entry_hash"
).format(
    link=sql.SQL(", ").join(map(sql.Identifier, _LINK)),
    columns=sql.SQL(", ").join(map(sql.Identifier, _CONTENT)),
    values=sql.SQL(", ").join(map(sql.Placeholder, _CONTENT)),
)


@dataclass(frozen=True)
class Guard:
    """The statement whose row says whether the access holds (psycopg placeholders)."""

    sql: str
    parameters: Mapping[str, Any]


Row = tuple[Any, ...]
Verdict = TypeVar("Verdict")


def append_if_allowed(
    conn: psycopg.Connection[Any], guard: Guard, decide: Callable[[Row | None], Verdict | None],
    entry: AccessEntry,
) -> Verdict | None:  # fmt: skip
    """``decide``'s verdict on the guard's row; ``entry`` appended and committed unless
    that verdict is None (then ``entry`` has its id and its hashes).

    ``conn`` is in autocommit mode and outside any transaction. When ``decide`` says None
    or raises, nothing is written and its exception goes on. A database error leaves
    ``conn`` unusable: the caller closes it.
    """
    row = conn.execute(guard.sql, guard.parameters).fetchone()  # the first round trip
    verdict = decide(row)
    if verdict is None:
        return None
    with conn.pipeline():
        conn.execute("BEGIN")
        conn.execute(LOCK_TRAIL_SQL)
        linked = conn.execute(_LINKED_INSERT, _parameters(entry))
        conn.execute("COMMIT")
    # The four statements' one round trip is over: the pipeline's end waited for them.
    ((entry.id, entry.prev_hash, entry.entry_hash),) = linked.fetchall()
    return verdict


def _parameters(entry: AccessEntry) -> dict[str, Any]:
    values = entry.model_dump(include=set(_CONTENT))
    for name in _JSON_COLUMNS:
        values[name] = Json(values[name])
    before, between, after = canonical_around_link(entry)
    return {**values, "before": before, "between": between, "after": after,
            "genesis": GENESIS_HASH}  # fmt: skip
