"""A real database per test: SQLite in memory, and PostgreSQL when DIALER_TEST_DATABASE_URL is set.

On PostgreSQL each test run gets its own schema, so helpers sharing the ``test`` database
never see each other's tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

import dialer.models  # noqa: F401  (registers every table on the metadata)

POSTGRES_URL = os.environ.get("DIALER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _sqlite_engine() -> sa.Engine:
    return sa.create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[sa.Engine]:
    assert POSTGRES_URL is not None
    schema = f"consent_test_{os.getpid()}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine = sa.create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        sqlite = _sqlite_engine()
        SQLModel.metadata.create_all(sqlite)
        yield sqlite
        sqlite.dispose()
        return
    pg: sa.Engine = request.getfixturevalue("postgres_engine")
    yield pg
    with pg.begin() as conn:
        conn.execute(sa.text("DELETE FROM consententry"))


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine) as db:
        yield db
