"""Bulk reads and writes tuned per database.

PostgreSQL gets COPY and array parameters: a 5,000-value ``IN`` list costs more
to parse than to run. SQLite gets plain executemany inside one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Connection,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    insert,
    select,
    text,
)
from sqlalchemy.sql.elements import ColumnElement


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def one_of(conn: Connection, column: Column[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``, as ``= ANY(array)`` on PostgreSQL."""
    if not is_postgres(conn):
        return column.in_(list(values))
    item_type = Integer() if isinstance(column.type, Integer) else String()
    return column == any_(bindparam(None, list(values), type_=ARRAY(item_type)))


def insert_with_ids(
    conn: Connection, table: Table, rows: list[dict[str, Any]], key: str
) -> list[int]:
    """Insert rows and return their new ids, in order; ``key`` is a unique column."""
    if not rows:
        return []
    if not is_postgres(conn):
        # SQLite runs INSERT ... RETURNING once per row; a plain executemany and
        # one look-up by the unique key is several times faster.
        conn.execute(insert(table), rows)
        keys = [row[key] for row in rows]
        found = dict(
            conn.execute(select(table.c[key], table.c.id).where(table.c[key].in_(keys))).all()
        )
        return [found[k] for k in keys]
    ids = _next_ids(conn, table, len(rows))
    copy_rows(conn, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if is_postgres(conn):
        copy_rows(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _next_ids(conn: Connection, table: Table, count: int) -> list[int]:
    sequence = f"{table.name}_id_seq"
    query = text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)")
    return [row[0] for row in conn.execute(query, {"seq": sequence, "n": count})]


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    json_columns = {c for c in columns if table.c[c].type.__class__.__name__ == "JSON"}
    statement = f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN'
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])
