"""A database shared by one test package: SQLite in memory per test, and on PostgreSQL
(when DIALER_TEST_DATABASE_URL is set) one schema for the whole run, emptied after each
test. Cheaper than the root ``engine`` fixture's schema per test, for packages whose
tests touch a single table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

import dialer.operations.schema  # noqa: F401  (registers every table on the metadata)

POSTGRES_URL = os.environ.get("DIALER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@contextmanager
def postgres_schema(prefix: str) -> Iterator[sa.Engine]:
    assert POSTGRES_URL is not None
    schema = f"{prefix}_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine = sa.create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def sqlite_memory() -> Iterator[sa.Engine]:
    engine = sa.create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def emptied(engine: sa.Engine, table: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM {table}"))
