"""The access trail: chained appends, tamper detection, recorded reads."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.compliance.privacy.chain import BreakKind, chain_head, verify_chain
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.reading import Reader, TrailQuery, export_csv, read_trail
from dialer.compliance.privacy.trail import GENESIS_HASH, TrailError, compute_hash, record_access
from dialer.core.db import session_scope


def _append(engine: Engine, count: int, actor: str = "agent1") -> None:
    for number in range(count):
        with session_scope(engine) as session:
            record_access(
                session,
                actor=actor,
                actor_role="agent",
                action="screen_pop",
                person_id=number + 1,
                fields=["last_name", "phone_e164"],
                campaign_id=1,
                detail=f"appel {number}",
            )


def _breaks(engine: Engine) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return verify_chain(session)


def _ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return [e.id or 0 for e in session.exec(select(AccessEntry).order_by(col(AccessEntry.id)))]


def test_untouched_chain_verifies(engine: Engine) -> None:
    _append(engine, 5)
    with Session(engine) as session:
        entries = list(session.exec(select(AccessEntry).order_by(col(AccessEntry.id))))
        assert verify_chain(session) == []
        head = chain_head(session)
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert head.count == 5 and head.last_hash == entries[-1].entry_hash
    # Only field names are kept, never values.
    assert entries[0].fields == ["last_name", "phone_e164"]


def test_unknown_action_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(TrailError, match="inconnue"):
        record_access(session, actor="a", actor_role="agent", action="peek", person_id=1, fields=[])


def test_edited_entry_is_named(engine: Engine) -> None:
    _append(engine, 5)
    target = _ids(engine)[2]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE accessentry SET actor = 'someone_else' WHERE id = :id"), {"id": target}
        )
    breaks = _breaks(engine)
    assert [(b.entry_id, b.kind) for b in breaks] == [(target, BreakKind.EDITED)]
    assert f"n° {target} modifiée" in breaks[0].message


def test_forged_insertion_is_named(engine: Engine) -> None:
    _append(engine, 4)
    ids = _ids(engine)
    with Session(engine) as session:
        second = session.get(AccessEntry, ids[1])
        assert second is not None
        forged = AccessEntry(
            id=ids[-1] + 1, at=second.at, actor="intrus", actor_role="agent",
            action="search", person_id=9, fields=["nir"], prev_hash=second.entry_hash,
            entry_hash="",
        )  # fmt: skip
        forged.entry_hash = compute_hash(forged)
        values = forged.model_dump()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accessentry (id, at, actor, actor_role, action, person_id, fields,"
                " campaign_id, attempt_id, address, detail, prev_hash, entry_hash) VALUES"
                " (:id, :at, :actor, :actor_role, :action, :person_id, '[\"nir\"]', NULL, NULL,"
                " NULL, NULL, :prev_hash, :entry_hash)"
            ),
            values,
        )
    breaks = _breaks(engine)
    assert len(breaks) == 1
    assert breaks[0].kind is BreakKind.INSERTED
    assert breaks[0].entry_id == ids[-1] + 1
    assert f"n° {ids[-1] + 1}" in breaks[0].message and "insérée" in breaks[0].message


def test_deleted_entry_is_detected_at_its_successor(engine: Engine) -> None:
    _append(engine, 5)
    ids = _ids(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM accessentry WHERE id = :id"), {"id": ids[2]})
    breaks = _breaks(engine)
    assert [(b.entry_id, b.kind) for b in breaks] == [(ids[3], BreakKind.DELETED)]
    assert f"entre l'entrée n° {ids[1]} et l'entrée n° {ids[3]}" in breaks[0].message


def test_concurrent_appends_never_fork(engine: Engine) -> None:
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            _append(engine, 15, actor=name)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"agent{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        entries = list(session.exec(select(AccessEntry)))
        assert verify_chain(session) == []
    assert len(entries) == 30
    prevs = [e.prev_hash for e in entries]
    assert len(set(prevs)) == len(prevs)  # no two entries share a predecessor


def test_reading_and_export_are_recorded(engine: Engine) -> None:
    _append(engine, 3)
    reader = Reader("dpo1", "dpo", "10.0.0.1")
    with session_scope(engine) as session:
        found = read_trail(session, TrailQuery(person_id=2), reader)
        assert [e.person_id for e in found] == [2]
    with session_scope(engine) as session:
        exported = export_csv(session, TrailQuery(actor="agent1"), reader)
    lines = exported.strip().splitlines()
    assert lines[0].startswith("N°;Date (heure de Paris);Auteur;Rôle;Action;Personne;Données")
    assert len(lines) == 4
    with Session(engine) as session:
        reads = list(
            session.exec(select(AccessEntry).where(col(AccessEntry.action) == "trail_read"))
        )
        assert verify_chain(session) == []
    assert [r.actor for r in reads] == ["dpo1", "dpo1"]
    assert reads[0].person_id == 2 and "consultation" in (reads[0].detail or "")
    assert "export CSV (3 entrées)" in (reads[1].detail or "")


def test_on_postgresql_an_append_holds_the_lock_for_two_statements(engine: Engine) -> None:
    # The trail is locked from the LOCK to the commit, and every screen pop appends: each
    # statement under it is one more wait for every other pop of the floor.
    if engine.dialect.name != "postgresql":
        pytest.skip("the table lock is PostgreSQL's (SQLite's writer lock serialises appends)")
    _append(engine, 2)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    try:
        _append(engine, 1)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == ["LOCK", "SELECT", "INSERT"]
    assert _breaks(engine) == []
