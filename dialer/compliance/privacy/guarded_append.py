"""One access checked and traced in two round trips, on a kept-open PostgreSQL connection.

A screen pop must not show a person before its access is checked again and its trail
entry committed. Through the pool that took seven round trips (ping, BEGIN, the check,
LOCK, the previous link, INSERT, COMMIT); on a busy floor each one is a wait for a core
and for the interpreter's lock, and the slowest pops were slow at every step. Here the
statements are pipelined: BEGIN, the check, the trail's lock and its previous link go
together, and the INSERT goes with the COMMIT.

The chain is the same as ``trail.record_access`` writes (the same lock, link and hash):
the lock is taken before the check's answer is known, and released at once by a
ROLLBACK when the access no longer holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from psycopg.types.json import Json
from sqlalchemy import insert

from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import (
    GENESIS_HASH,
    LOCK_TRAIL_SQL,
    NEXT_LINK_SQL,
    compute_hash,
)
from dialer.core.kept_connections import compiled_for_psycopg

_TABLE = AccessEntry.__table__  # type: ignore[attr-defined]
_INSERT_SQL = str(compiled_for_psycopg(insert(_TABLE), column_keys=list(_TABLE.columns.keys())))
_JSON_COLUMNS = frozenset(
    column.name for column in _TABLE.columns if column.type.__visit_name__ == "JSON"
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
    that verdict is None.

    ``conn`` is in autocommit mode and outside any transaction. When ``decide`` says None
    or raises, nothing is written and its exception goes on. A database error leaves
    ``conn`` unusable: the caller closes it.
    """
    with conn.pipeline():
        conn.execute("BEGIN")
        checked = conn.execute(guard.sql, guard.parameters)
        conn.execute(LOCK_TRAIL_SQL)
        link = conn.execute(NEXT_LINK_SQL)
        row = checked.fetchone()  # the four statements' one round trip
        try:
            verdict = decide(row)
            if verdict is None:
                conn.execute("ROLLBACK")
                return None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ((entry_id, previous),) = link.fetchall()
        entry.id, entry.prev_hash = int(entry_id), previous or GENESIS_HASH
        entry.entry_hash = compute_hash(entry)
        conn.execute(_INSERT_SQL, _parameters(entry))
        conn.execute("COMMIT")
    return verdict  # the INSERT's and the COMMIT's round trip: the pipeline's end


def _parameters(entry: AccessEntry) -> dict[str, Any]:
    values = entry.model_dump()
    for name in _JSON_COLUMNS:
        values[name] = Json(values[name])
    return values
