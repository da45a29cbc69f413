"""Writers of one embedded database queue in the process; readers never wait for them."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from dialer.core.db import make_engine
from dialer.core.sqlite_writer import WriterLock, first_in_line, is_writing, writer_lock

GUARD_S = 20.0  # a bound against hanging, not a speed assertion


def database(tmp_path: Path) -> tuple[Engine, WriterLock]:
    path = tmp_path / "queue.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, who TEXT)"))
    return engine, writer_lock(str(path))


def test_a_second_writer_queues_until_the_first_commits_and_readers_go_on(
    tmp_path: Path,
) -> None:
    engine, lock = database(tmp_path)
    assert not lock.locked()
    first = engine.connect()
    first.execute(text("INSERT INTO note (who) VALUES ('premier')"))
    assert lock.locked()  # taken at the first writing statement

    second_done = threading.Event()

    def second_writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO note (who) VALUES ('second')"))
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    # A reader is not queued: it reads the last committed state.
    with engine.connect() as reader:
        assert reader.execute(text("SELECT count(*) FROM note")).scalar() == 0
    assert not second_done.wait(0.3)  # still queued behind the open write
    first.commit()
    assert second_done.wait(GUARD_S)
    thread.join(GUARD_S)
    first.close()
    with engine.connect() as reader:
        names = reader.execute(text("SELECT who FROM note ORDER BY id")).scalars().all()
    assert names == ["premier", "second"]
    assert not lock.locked()


def test_a_transaction_begun_immediate_queues_like_a_write(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE takes SQLite's write lock at once: the process's lock comes first,
    or a claim holding SQLite's lock waited on a writer that waited on SQLite's."""
    engine, lock = database(tmp_path)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        assert lock.locked()
        conn.execute(text("INSERT INTO note (who) VALUES ('réclamé')"))
        conn.commit()
    assert not lock.locked()


def test_a_rolled_back_or_closed_write_gives_the_lock_back(tmp_path: Path) -> None:
    engine, lock = database(tmp_path)
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO note (who) VALUES ('annulé')"))
        assert lock.locked()
        conn.rollback()
        assert not lock.locked()
        conn.execute(text("UPDATE note SET who = 'x'"))
        assert lock.locked()
    # Returned to the pool (rolled back there) with its write pending: given back.
    assert not lock.locked()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM note")).scalar() == 0


def test_only_writing_statements_queue() -> None:
    for writing in ("INSERT INTO t VALUES (1)", "  update t set a = 1", "DELETE FROM t",
                    "REPLACE INTO t VALUES (1)", "CREATE TABLE t (a)", "DROP TABLE t",
                    "BEGIN IMMEDIATE", "begin\n  exclusive", "ANALYZE"):  # fmt: skip
        assert is_writing(writing), writing
    for reading in ("SELECT 1", "PRAGMA journal_mode=WAL", "  select * from t", "EXPLAIN x",
                    "BEGIN", "BEGIN DEFERRED"):  # fmt: skip
        assert not is_writing(reading), reading


def test_a_writer_first_in_line_passes_the_writers_already_waiting(tmp_path: Path) -> None:
    # A screen pop's trail entry must not wait for every call update queued before it.
    engine, lock = database(tmp_path)
    holder = engine.connect()
    holder.execute(text("INSERT INTO note (who) VALUES ('en cours')"))
    order: list[str] = []

    def writer(who: str, first: bool) -> None:
        with first_in_line() if first else contextlib.nullcontext(), engine.begin() as conn:
            conn.execute(text("INSERT INTO note (who) VALUES (:who)"), {"who": who})
            order.append(who)

    queued = [threading.Thread(target=writer, args=(f"file-{n}", False)) for n in range(3)]
    for thread in queued:
        thread.start()
    wait_until_waiting(lock, 3)
    urgent = threading.Thread(target=writer, args=("pop", True))
    urgent.start()
    wait_until_waiting(lock, 4)
    holder.commit()
    holder.close()
    for thread in [*queued, urgent]:
        thread.join(GUARD_S)
    assert order[0] == "pop" and sorted(order[1:]) == ["file-0", "file-1", "file-2"]


def wait_until_waiting(lock: WriterLock, waiters: int) -> None:
    deadline = time.monotonic() + GUARD_S
    while lock.waiting < waiters:
        assert time.monotonic() < deadline, "the writers never queued"
        time.sleep(0.01)
