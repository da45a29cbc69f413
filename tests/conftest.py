"""Shared fixtures: a fresh database on SQLite and, when configured, PostgreSQL.

``DIALER_TEST_DATABASE_URL`` (set by .ci/run) adds a PostgreSQL run of every test
that asks for ``engine``; each test gets its own schema there, so tests never
see each other's rows and can run while other work uses the same database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import dialer.operations.schema  # noqa: F401  (registers every table)
from bench.schemas import own_schema
from dialer.core.crypto import DataCipher, KeyRing
from dialer.core.db import make_engine
from tests.table_script import copy_sqlite, create_postgres_tables, sqlite_template

PG_URL = os.environ.get("DIALER_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_engine(schema: str) -> Engine:
    separator = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    return make_engine(url, pool_size=5, max_overflow=5)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.sqlite3"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALER_TEST_DATABASE_URL")
    with own_schema(PG_URL, "t") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every table, made once a run (once per xdist worker)."""
    return sqlite_template(tmp_path_factory.mktemp("tables"))


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database with every table created, on each backend."""
    if database_url.startswith("sqlite"):
        copy_sqlite(request.getfixturevalue("sqlite_tables"), database_url)
        created = make_engine(database_url)
    else:
        created = make_engine(database_url)
        create_postgres_tables(created)
    yield created
    created.dispose()


@pytest.fixture
def cipher() -> DataCipher:
    return DataCipher(KeyRing.generate())


@pytest.fixture
def cli_key_file(
    database_url: str, engine: Engine, cipher: DataCipher, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:  # fmt: skip
    """The ``dialer`` command's environment: this test's database and its key file (yielded)."""
    from dialer.cli.context import runtime
    from dialer.core.crypto import save_key_ring

    keys = tmp_path / "keys.json"
    save_key_ring(cipher.ring, keys)
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(keys))
    monkeypatch.delenv("DIALER_DATA_KEY", raising=False)
    runtime.cache_clear()
    yield keys
    runtime().engine.dispose()
    runtime.cache_clear()
