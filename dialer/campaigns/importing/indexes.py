"""Indexes the import never reads, set aside on SQLite while a large file is stored.

Each stored row lands on random pages of every secondary index of ``person`` and
``campaigncontact``; once these outgrow the page cache, every insert reads pages
back from the operating system. Dropped first and created again once the rows are
in, each index is built in one pass over sorted entries.

All of it happens inside the import's own transaction (SQLite's DDL is
transactional): readers go on seeing the old schema and rows until it commits, and
a refused, failed or killed import gets its indexes back with everything else.
PostgreSQL keeps its indexes: DROP INDEX there locks the table against every page
reading people for the whole import.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from dialer.campaigns.importing.bulk import is_postgres

# Indexes no statement of the import reads (EXPLAIN QUERY PLAN: people are found by
# identity key, contacts through UNIQUE (campaign_id, person_id) and (campaign_id,
# row_ref), rows updated by id). Named one by one: an index a later migration adds
# is kept until someone has checked that the import does not read it.
SET_ASIDE = {
    "person": (
        "ix_person_last_name_lower", "ix_person_nir_lookup", "ix_person_territory",
        "ix_person_last_activity_at", "ix_person_fund_id",
    ),
    "campaigncontact": (
        "ix_campaigncontact_campaign_id", "ix_campaigncontact_person_id", "ix_contact_status_id",
        "ix_contact_queue", "ix_contact_result_id", "ix_contact_selectable",
    ),
}  # fmt: skip
# Rebuilding costs about 7 s per million rows of the table, whatever the file's size,
# while the inserts it saves cost more as the indexes grow. Measured on 2 cores, a file
# of F rows into tables of E rows, seconds with the indexes kept / set aside: E = 0:
# F = 50k 4.0 / 3.8, F = 1M 66 / 64; E = 1M: F = 50k 5.5 / 11.9, F = 200k 16 / 21,
# F = 500k 47 / 47, F = 1M 97 / 79. A file at least as large as the table wins with a
# margin (break-even near half of it). Under 50,000 rows the indexes stay in the page
# cache and nothing measurable is won: a small file leaves the schema alone (a schema
# change makes every connection prepare its statements again).
REBUILD_FROM_ROWS = 50_000
log = logging.getLogger(__name__)


@contextmanager
def indexes_set_aside(conn: Connection, file_rows: int, from_rows: int) -> Iterator[None]:
    """Inside the import's transaction: drop the set-aside indexes of each table holding
    no more rows than the file, and, once the rows are stored, create them again from
    their own SQL (the schema after is the schema before, byte for byte). On an
    error nothing is rebuilt here: the rollback brings the indexes back."""
    tables = _outweighed(conn, file_rows, from_rows)
    if not tables:
        yield
        return
    _begin_writing(conn)
    definitions = _definitions(conn, tables)
    for name, _ in definitions:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    for _, sql in definitions:
        conn.exec_driver_sql(sql)
    log.info("%d indexes rebuilt in %.1f s", len(definitions), time.perf_counter() - started)


def _outweighed(conn: Connection, file_rows: int, from_rows: int) -> list[str]:
    if is_postgres(conn) or file_rows < from_rows:
        return []
    return [table for table in SET_ASIDE if file_rows >= _rows(conn, table)]


def _rows(conn: Connection, table: str) -> int:
    # The table's name comes from SET_ASIDE, never from input.
    return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())  # noqa: S608


def _begin_writing(conn: Connection) -> None:
    # Python's sqlite3 opens a transaction by itself only before INSERT, UPDATE,
    # DELETE or REPLACE: a DROP INDEX sent first would be committed on its own, and
    # a failed import would leave the tables without their indexes. IMMEDIATE: a
    # deferred transaction reading sqlite_master first could not write if another
    # connection committed meanwhile.
    if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _definitions(conn: Connection, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the set-aside indexes present, in creation order."""
    wanted = {name for table in tables for name in SET_ASIDE[table]}
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY rowid"
    return [(name, sql) for name, sql in conn.exec_driver_sql(query) if name in wanted]
