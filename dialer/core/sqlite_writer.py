"""One writer at a time on an embedded SQLite database, queued in the process, not polled.

SQLite lets one transaction write at a time. A connection that finds the writer's lock
taken waits in SQLite's busy handler, which sleeps 1, 2, 5, 10... then 100 ms between
looks: on a busy floor a screen pop's access-trail entry slept up to 100 ms after the
lock was already free. The embedded default runs the web, the dialer and its recorder
in one process, so their writers queue here instead, on a lock that wakes the next
writer the moment the previous one commits. Other processes (the CLI, a second web
process) still meet SQLite's own waiting.

A thread inside ``first_in_line()`` (a screen pop: the bridge's moment, the panel's
access-trail entry) is let through before the writers already waiting, so an agent
hearing a person waits for at most the transaction writing now, not for the queue
of call updates and ticks behind it.

A transaction takes the lock at its first writing statement (every statement passes
through ``QueuedWriterCursor``, SQLAlchemy's as well as a raw bulk insert's) and gives
it back when it commits, rolls back or its connection closes. ``WAIT_S`` bounds the
wait: past it, the statement goes on to SQLite's busy handler, as before (a thread
writing on two connections at once must not hang forever).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

WAIT_S = 30.0
# Every statement that takes SQLite's write lock: the process's lock must come first,
# or a writer holding SQLite's lock could wait here for one waiting on SQLite's.
_WRITING = (
    "INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER",
    "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE", "ANALYZE", "VACUUM", "REINDEX",
)  # fmt: skip
_thread = threading.local()


@contextmanager
def first_in_line() -> Iterator[None]:
    """This thread's writes meanwhile pass before the writers already waiting."""
    before = getattr(_thread, "first", False)
    _thread.first = True
    try:
        yield
    finally:
        _thread.first = before


class WriterLock:
    """One writer at a time; a waiter that is ``first_in_line`` goes before the others."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._held = False
        self._first_waiting = 0
        self.waiting = 0  # threads waiting for it (for tests and diagnostics)

    def acquire(self, timeout: float) -> bool:
        first = getattr(_thread, "first", False)
        deadline = time.monotonic() + timeout
        with self._changed:
            self._first_waiting += first
            self.waiting += 1
            try:
                while self._held or (self._first_waiting and not first):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
                self._held = True
                return True
            finally:
                self._first_waiting -= first
                self.waiting -= 1

    def locked(self) -> bool:
        return self._held

    def release(self) -> None:
        with self._changed:
            self._held = False
            self._changed.notify_all()


_locks: dict[str, WriterLock] = {}
_locks_guard = threading.Lock()


def writer_lock(database: str) -> WriterLock:
    """The process's writer lock of one database file."""
    with _locks_guard:
        return _locks.setdefault(database, WriterLock())


def is_writing(statement: str) -> bool:
    return " ".join(statement[:40].split()).upper().startswith(_WRITING)


class QueuedWriterCursor(sqlite3.Cursor):
    """Every statement, SQLAlchemy's or a raw bulk insert's, passes here first."""

    def execute(self, sql: str, parameters: Any = (), /) -> QueuedWriterCursor:
        _queue(self, sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> QueuedWriterCursor:
        _queue(self, sql)
        return super().executemany(sql, seq_of_parameters)


def _queue(cursor: sqlite3.Cursor, sql: str) -> None:
    connection = cursor.connection
    if isinstance(connection, QueuedWriterConnection):
        connection.before_statement(sql)


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection whose transactions queue on their database's writer lock
    (``sqlite3.connect(..., factory=QueuedWriterConnection)``)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer = writer_lock(str(database))
        self._holding = False

    def cursor(self, factory: Any = QueuedWriterCursor) -> Any:
        return super().cursor(factory)

    def before_statement(self, statement: str) -> None:
        if not self._holding and is_writing(statement):
            self._holding = self._writer.acquire(timeout=WAIT_S)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self._writer.release()
