"""Bulk reads and writes tuned per database.

PostgreSQL gets COPY and array parameters: a 5,000-value ``IN`` list costs more
to parse than to run. SQLite gets plain executemany inside one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Connection,
    DateTime,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.sql.elements import ColumnElement


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


SQLITE_BULK_CACHE_KIB = 32 * 1024


def tune_for_bulk(conn: Connection) -> None:
    """A larger page cache for SQLite while a file is imported.

    Identity keys and NIR look-up hashes are random, so every insert lands on a
    random page of their indexes; with SQLite's default 2 MB cache most of those
    pages are read back from the OS at each insert.
    """
    if not is_postgres(conn):
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")


def one_of(conn: Connection, column: Column[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``, as ``= ANY(array)`` on PostgreSQL."""
    if not is_postgres(conn):
        # One JSON parameter: SQLAlchemy expands an IN list value by value (more
        # costly than the query), and sqlite3 caches a prepared statement per
        # distinct SQL text, so lists of varying length made memory grow with
        # the file (313 MB for a million rows). One text, one statement.
        values_json = json.dumps(list(values))
        listed: Any = select(literal_column("value")).select_from(func.json_each(values_json))
        return column.in_(listed.scalar_subquery())
    # One array type for every call: a new ARRAY object each time gave each
    # statement a new cache key, and the compiled cache kept every batch's keys
    # (memory grew by 200 bytes a row of the file).
    array_type = _INTEGER_ARRAY if isinstance(column.type, Integer) else _TEXT_ARRAY
    return column == any_(bindparam(None, list(values), type_=array_type))


_INTEGER_ARRAY = ARRAY(Integer())
_TEXT_ARRAY = ARRAY(String())


def insert_with_ids(
    conn: Connection, table: Table, rows: list[dict[str, Any]], key: str
) -> list[int]:
    """Insert rows and return their new ids, in order; ``key`` is a unique column."""
    if not rows:
        return []
    columns = tuple(rows[0])
    values = [tuple(row[c] for c in columns) for row in rows]
    return insert_tuples_with_ids(conn, table, columns, values, columns.index(key))


def insert_tuples_with_ids(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key_index: int,
    raw: frozenset[str] = frozenset(),
) -> list[int]:
    """Insert rows given as value tuples in ``columns`` order and return their new
    ids, in order; ``columns[key_index]`` is a unique column. Columns in ``raw``
    hold values already in their stored form (JSON text), converted by nothing."""
    if not rows:
        return []
    if not is_postgres(conn):
        # SQLite runs INSERT ... RETURNING once per row; a plain executemany and
        # one look-up by the unique key is several times faster.
        executemany_tuples(conn, table, columns, rows, raw)
        keys = [row[key_index] for row in rows]
        key = table.c[columns[key_index]]
        query = select(key, table.c.id).where(one_of(conn, key, keys))
        found = {k: i for k, i in conn.execute(query)}
        return [found[k] for k in keys]
    ids = _next_ids(conn, table, len(rows))
    copy_tuples(
        conn, table, ("id", *columns), [(i, *row) for i, row in zip(ids, rows, strict=True)], raw
    )
    return ids


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = tuple(rows[0])
    insert_tuples(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def insert_tuples(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    raw: frozenset[str] = frozenset(),
) -> None:
    """Insert rows given as value tuples in ``columns`` order (see insert_tuples_with_ids)."""
    if not rows:
        return
    if is_postgres(conn):
        copy_tuples(conn, table, columns, rows, raw)
    else:
        executemany_tuples(conn, table, columns, rows, raw)


def executemany_tuples(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    raw: frozenset[str] = frozenset(),
) -> None:
    """One driver-level executemany: SQLAlchemy's per-row parameter building costs
    more than SQLite's own insert, so values go through each column type's bind
    processor (the very conversion SQLAlchemy would apply) and straight to the driver."""
    processors = [None if c in raw else _processor(table.c[c].type, conn.dialect) for c in columns]
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(columns)  # the table's own column names, never user input
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({placeholders})'  # noqa: S608
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, _processed(rows, processors))
    finally:
        cursor.close()


def stored_form(conn: Connection, table: Table, column: str, value: Any) -> Any:
    """The value as the driver receives it for this column: a batch's shared
    timestamp converted once, then inserted as raw by every row."""
    process = _processor(table.c[column].type, conn.dialect) if not is_postgres(conn) else None
    return value if process is None else process(value)


def _processor(column_type: Any, dialect: Any) -> Any:
    found = column_type.bind_processor(dialect)
    if found is None and isinstance(column_type, DateTime):
        # sqlite3's own default adapter, as a processor so that a batch's shared
        # timestamp is formatted once rather than three times a row.
        return _iso_datetime
    return found


def _iso_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ")


def _processed(rows: Sequence[Sequence[Any]], processors: list[Any]) -> Iterable[Sequence[Any]]:
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    if not processed:
        return rows
    return _converted(rows, processed)


def _converted(
    rows: Sequence[Sequence[Any]], processed: list[tuple[int, Any]]
) -> Iterator[list[Any]]:
    # A batch shares one timestamp object: convert it once, not once per row.
    last: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        values = list(row)
        for i, process in processed:
            value = values[i]
            seen = last.get(i)
            if seen is not None and seen[0] is value:
                values[i] = seen[1]
            else:
                values[i] = process(value)
                last[i] = (value, values[i])
        yield values


def _next_ids(conn: Connection, table: Table, count: int) -> list[int]:
    sequence = f"{table.name}_id_seq"
    query = text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)")
    return [row[0] for row in conn.execute(query, {"seq": sequence, "n": count})]


def copy_tuples(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    raw: frozenset[str] = frozenset(),
) -> None:
    json_at = [
        i
        for i, c in enumerate(columns)
        if c not in raw and table.c[c].type.__class__.__name__ == "JSON"
    ]
    statement = f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN'
    driver = conn.connection.driver_connection
    # Closed at once: an open cursor keeps its batch's buffers until collected.
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        write = copy.write_row
        if not json_at:
            for row in rows:
                write(row)
            return
        for row in rows:
            values = list(row)
            for i in json_at:
                values[i] = json.dumps(values[i])
            write(values)
