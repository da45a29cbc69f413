"""An access checked and traced in one pipelined transaction (PostgreSQL's screen pops)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.guarded_append import Guard, Row, append_if_allowed
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import compute_hash, new_entry, record_access
from dialer.core.db import session_scope
from dialer.core.kept_connections import KeptConnections

pytestmark = pytest.mark.postgres
ASK = Guard("SELECT %(answer)s::text", {"answer": "oui"})


@pytest.fixture()
def kept(engine: Engine) -> Iterator[KeptConnections]:
    if engine.dialect.name != "postgresql":
        pytest.skip("the pipelined append is PostgreSQL's")
    connections = KeptConnections.for_engine(engine)
    assert connections is not None
    yield connections
    connections.close()


def entry(number: int, actor: str = "agent1") -> AccessEntry:
    return new_entry(actor=actor, actor_role="agent", action="screen_pop", person_id=number,
                     fields=["last_name"], campaign_id=1, attempt_id=number)  # fmt: skip


def entries(engine: Engine) -> list[AccessEntry]:
    with Session(engine) as db:
        return list(db.exec(select(AccessEntry).order_by(AccessEntry.id)))  # type: ignore[arg-type]


def yes(row: Row | None) -> str | None:
    return None if row is None else str(row[0])


def test_the_guard_allowing_it_the_entry_is_committed_and_chained(
    engine: Engine, kept: KeptConnections
) -> None:
    with session_scope(engine) as db:
        first = record_access(db, actor="dpo", actor_role="dpo", action="search", person_id=9,
                              fields=[])  # fmt: skip
    with kept.connection() as conn:
        assert append_if_allowed(conn, ASK, yes, entry(1)) == "oui"
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    _, stored = entries(engine)
    assert stored.prev_hash == first.entry_hash
    assert stored.entry_hash == compute_hash(stored)
    with Session(engine) as db:
        assert verify_chain(db) == []


def test_the_guard_refusing_it_nothing_is_written_and_the_trail_is_free(
    engine: Engine, kept: KeptConnections
) -> None:
    with kept.connection() as conn:
        assert append_if_allowed(conn, ASK, lambda row: None, entry(1)) is None
        with pytest.raises(PermissionError):
            append_if_allowed(conn, ASK, refuse, entry(2))
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert entries(engine) == []
    # The trail's lock was released: another writer appends at once.
    with session_scope(engine) as db:
        db.execute(text("SET LOCAL lock_timeout = '2s'"))
        record_access(db, actor="dpo", actor_role="dpo", action="search", person_id=9, fields=[])
    assert len(entries(engine)) == 1


def refuse(row: Row | None) -> str:
    raise PermissionError("refusé")


def test_pipelined_and_pooled_appends_at_once_never_fork(
    engine: Engine, kept: KeptConnections
) -> None:
    errors: list[BaseException] = []

    def pipelined() -> None:
        try:
            for number in range(15):
                with kept.connection() as conn:
                    append_if_allowed(conn, ASK, yes, entry(number, "pipelined"))
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    def pooled() -> None:
        try:
            for number in range(15):
                with session_scope(engine) as db:
                    record_access(db, actor="pooled", actor_role="agent", action="screen_pop",
                                  person_id=number, fields=["last_name"])  # fmt: skip
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=pipelined), threading.Thread(target=pipelined),
               threading.Thread(target=pooled)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = entries(engine)
    assert len(stored) == 45
    assert len({e.prev_hash for e in stored}) == 45  # no two entries share a predecessor
    with Session(engine) as db:
        assert verify_chain(db) == []


def test_a_failed_statement_closes_the_connection_and_writes_nothing(
    engine: Engine, kept: KeptConnections
) -> None:
    broken = Guard("SELECT * FROM no_such_table", {})
    with pytest.raises(psycopg.Error), kept.connection() as conn:
        append_if_allowed(conn, broken, yes, entry(1))
    assert conn.closed
    assert entries(engine) == []
    with kept.connection() as fresh:
        assert fresh is not conn
        assert append_if_allowed(fresh, ASK, yes, entry(2)) == "oui"


def test_the_check_is_answered_while_another_writer_holds_the_trail(
    engine: Engine, kept: KeptConnections
) -> None:
    """The trail's lock is taken with the INSERT, after the check: a pop's check never
    waits behind the trail, and the trail never waits for a pop's check."""
    decided = threading.Event()
    appended: list[str | None] = []

    def decide(row: Row | None) -> str | None:
        decided.set()
        return yes(row)

    def pop() -> None:
        with kept.connection() as conn:
            appended.append(append_if_allowed(conn, ASK, decide, entry(2)))

    with session_scope(engine) as holder:
        first = record_access(holder, actor="dpo", actor_role="dpo", action="search",
                              person_id=9, fields=[])  # fmt: skip
        # Still in its transaction: the trail stays locked until ``holder`` commits.
        popping = threading.Thread(target=pop)
        popping.start()
        assert decided.wait(10), "the check waited for the trail's lock"
        assert appended == []  # its entry does wait for the lock
    popping.join(10)
    assert appended == ["oui"]
    _, second = entries(engine)
    assert second.prev_hash == first.entry_hash
    with Session(engine) as db:
        assert verify_chain(db) == []


@pytest.mark.parametrize(
    "detail",
    ['"id":1,"prev_hash":"', 'é ü 中文 \u2028 \\ " \t', "x" * 500],
    ids=["json-like", "unicode-and-escapes", "long"],
)
def test_the_hash_postgresql_computes_is_the_chains_own(
    engine: Engine, kept: KeptConnections, detail: str
) -> None:
    written = new_entry(actor="agent « un »", actor_role="agent", action="screen_pop",
                        person_id=7, fields=["last_name", "phone"], campaign_id=1,
                        attempt_id=7, address="127.0.0.1", detail=detail)  # fmt: skip
    with kept.connection() as conn:
        assert append_if_allowed(conn, ASK, yes, written) == "oui"
    (stored,) = entries(engine)
    assert (stored.id, stored.entry_hash) == (written.id, written.entry_hash)
    assert stored.detail == detail[: len(stored.detail or "")]
    assert stored.entry_hash == compute_hash(stored)
    with Session(engine) as db:
        assert verify_chain(db) == []
