"""A real database per test: SQLite in memory, and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.shared_schema import BACKENDS, emptied, postgres_schema, sqlite_memory


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[sa.Engine]:
    with postgres_schema("scripts_test") as engine:
        yield engine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        with sqlite_memory() as sqlite:
            yield sqlite
        return
    pg: sa.Engine = request.getfixturevalue("postgres_engine")
    yield pg
    emptied(pg, "scriptversion")


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine) as db:
        yield db
