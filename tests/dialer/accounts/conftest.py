from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import dialer.operations.schema  # noqa: F401  (registers the tables)
from dialer.cli.context import console, runtime
from dialer.core.db import make_engine


@pytest.fixture()
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path}/accounts.sqlite3")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        yield db
    engine.dispose()


@pytest.fixture
def cli(
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The ``dialer`` command line on the test's database, in a wide terminal."""
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(tmp_path / "keys.json"))
    monkeypatch.delenv("DIALER_DATA_KEY", raising=False)
    monkeypatch.setattr(console, "width", 200)
    runtime.cache_clear()
    yield engine
    runtime().engine.dispose()
    runtime.cache_clear()
