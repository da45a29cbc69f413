"""PostgreSQL connections kept open for short transactions that must not wait.

The pool checks each connection it lends (a round trip) and wraps each transaction in
its own BEGIN and COMMIT. A screen pop cannot afford those: it takes an idle
connection from here, in autocommit mode, and says itself where its transaction begins
and ends. A connection that failed is closed, not given back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from sqlalchemy.engine import URL, Compiled, Engine
from sqlalchemy.sql import ClauseElement


def conninfo_of(engine: Engine) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL engine (its driver name dropped)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


_PSYCOPG = URL.create("postgresql+psycopg").get_dialect()()


def compiled_for_psycopg(statement: ClauseElement, **options: Any) -> Compiled:
    """A SQLAlchemy statement as its SQL for a kept connection (``%(name)s``
    placeholders); its ``params`` hold the values it binds itself (a LIMIT)."""
    return statement.compile(dialect=_PSYCOPG, **options)


class KeptConnections:
    """Idle autocommit connections, lent one at a time; as many as were ever lent at once."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def for_engine(cls, engine: Engine) -> KeptConnections | None:
        """Kept connections to the engine's database; None unless it is PostgreSQL."""
        return cls(conninfo_of(engine)) if engine.dialect.name == "postgresql" else None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """An open connection outside any transaction; closed if the block raised a
        database error, else kept for the next caller."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = psycopg.connect(self._conninfo, autocommit=True)
        try:
            yield conn
        except psycopg.Error:
            _close(conn)
            raise
        finally:
            if not conn.closed:
                self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        # Whatever the block did, a connection comes back only outside a transaction.
        outside = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self._lock:
            if outside and not self._closed:
                self._idle.append(conn)
                return
        _close(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            _close(conn)


def _close(conn: psycopg.Connection[Any]) -> None:
    with suppress(psycopg.Error):
        conn.close()
