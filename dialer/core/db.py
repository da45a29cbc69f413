"""Database engine and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from dialer.core.files import create_private_file
from dialer.core.sqlite_writer import QueuedWriterConnection


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the database behind ``url``."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        if _in_memory(url):
            # One shared connection (SingletonThreadPool / StaticPool): no pool to size.
            for sizing in POOL_SIZING:
                kwargs.pop(sizing, None)
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 30}
        if not _in_memory(url):
            # One process's writers queue on a lock instead of SQLite's polling sleeps.
            connect_args["factory"] = QueuedWriterConnection
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, pool_pre_ping=True, **kwargs)


POOL_SIZING = ("pool_size", "max_overflow", "pool_timeout")


def _in_memory(url: str) -> bool:
    return "///" not in url or "mode=memory" in url or url.endswith(":memory:")


def _ensure_sqlite_folder(url: str) -> None:
    if _in_memory(url):
        return  # "sqlite://" and in-memory URIs have no file
    path = url.split("///", 1)[1].split("?", 1)[0]
    if path and path != ":memory:" and not path.startswith("file:"):
        # SQLite creates the file with the umask and gives its -wal/-shm the same
        # mode: creating it owner-only first keeps the whole database private.
        create_private_file(Path(path))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web pages read while the dialer writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def refresh_statistics(db: Connection | Session, *tables: str) -> None:
    """Tell PostgreSQL's planner what a bulk write just changed (``ANALYZE``).

    Right after a file import or a wave's cohort, the planner still believes the
    tables empty and picks nested loops that cost seconds per claim; autovacuum
    catches up only a minute or more later (and not at all where it is off).
    SQLite's planner does not rely on such statistics.
    """
    bind = db.get_bind() if isinstance(db, Session) else db
    if bind.dialect.name != "postgresql":
        return
    for table in tables:
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        db.execute(text(f'ANALYZE "{table}"'))
