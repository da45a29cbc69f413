"""Plain SQL reading, the same on SQLite and PostgreSQL.

Text queries carry no column types, so values come back as each driver stores
them (SQLite gives datetimes and JSON as text, booleans as 0/1): the helpers
below turn them into Python values once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, RowMapping

# Bound parameters per IN list: far under SQLite's and PostgreSQL's limits.
CHUNK = 500

Key = TypeVar("Key", int, str)


def fetch(conn: Connection, sql: str, **params: Any) -> Sequence[RowMapping]:
    return conn.execute(text(sql), params).mappings().all()


def fetch_in(conn: Connection, sql: str, ids: Iterable[Key], **params: Any) -> list[RowMapping]:
    """Rows of ``sql`` whose ``:ids`` list is bound chunk by chunk."""
    query = text(sql).bindparams(bindparam("ids", expanding=True))
    unique = sorted(set(ids))
    rows: list[RowMapping] = []
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        rows.extend(conn.execute(query, {**params, "ids": chunk}).mappings().all())
    return rows


def as_datetime(value: object) -> datetime | None:
    """A stored or logged moment as naive UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def required_datetime(value: object) -> datetime:
    moment = as_datetime(value)
    if moment is None:
        raise ValueError("date attendue, valeur absente")
    return moment


def as_json(value: object) -> Any:
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def as_bool(value: object) -> bool:
    return bool(value) and value not in ("0", "false", "f")
