"""A large file is stored on SQLite with the indexes the import never reads set aside,
then rebuilt inside the same transaction: whatever happens, the schema after is the
schema before, every index whole. PostgreSQL keeps its indexes throughout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from dialer.campaigns.importing.indexes import SET_ASIDE
from dialer.campaigns.importing.pipeline import ImportOptions, import_contacts
from dialer.campaigns.importing.store import CONTACT, PERSON
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher
from tests.dialer.campaigns.importing.conftest import HEADER, write
from tests.dialer.campaigns.importing.test_bad_input import many_good_rows, only_job
from tests.dialer.campaigns.importing.test_import_killed import count, kill_mid_file

EVERY_SET_ASIDE = {name for names in SET_ASIDE.values() for name in names}


def schema(engine: Engine) -> list[tuple[Any, ...]]:
    """Every object of the schema with its definition (root pages left out: a rebuilt
    index lives elsewhere in the file)."""
    query = (
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        if engine.dialect.name == "sqlite"
        else "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() ORDER BY indexname"
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(query)]


def assert_indexes_whole(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":  # every index holds exactly its table's rows
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]


def expected_drops(engine: Engine, tables: tuple[str, ...] = tuple(SET_ASIDE)) -> set[str]:
    if engine.dialect.name != "sqlite":
        return set()
    return {name for table in tables for name in SET_ASIDE[table]}


@contextmanager
def dropped_indexes(engine: Engine) -> Iterator[list[str]]:
    dropped: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.upper().startswith("DROP INDEX"):
            dropped.append(statement.split()[-1].strip('"'))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield dropped
    finally:
        event.remove(engine, "before_cursor_execute", note)


def found_by_nir(engine: Engine, cipher: DataCipher, nir: str) -> list[str]:
    lookup = cipher.lookup(nir, "nir")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":  # through the rebuilt index, or an error
            query = "SELECT last_name FROM person INDEXED BY ix_person_nir_lookup "
            return conn.exec_driver_sql(query + "WHERE nir_lookup = ?", (lookup,)).scalars().all()
        return (
            conn.execute(select(PERSON.c.last_name).where(PERSON.c.nir_lookup == lookup))
            .scalars()
            .all()
        )


def options(from_rows: int) -> ImportOptions:
    return ImportOptions(batch_size=10, rebuild_indexes_from_rows=from_rows)


def test_a_large_file_leaves_the_schema_as_it_was_and_every_index_whole(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(60)
    path = write(tmp_path / "f.csv", [HEADER, *rows])
    before = schema(engine)
    with dropped_indexes(engine) as dropped:
        summary, _ = import_contacts(engine, campaign_id, path, cipher, options(50))
    assert (summary.stored, summary.rejected_rows) == (60, 0)
    assert set(dropped) == expected_drops(engine)
    assert schema(engine) == before
    assert_indexes_whole(engine)
    assert found_by_nir(engine, cipher, rows[41].split(";")[1]) == ["NOM41"]


def test_a_killed_import_gets_its_indexes_back_and_stores_nothing(
    database_url: str, engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *many_good_rows(200)])
    before = schema(engine)
    dropped = kill_mid_file(database_url, campaign_id, path, cipher, "50")
    assert dropped == len(expected_drops(engine))  # killed while they were set aside
    assert schema(engine) == before
    assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    assert_indexes_whole(engine)


def test_an_import_failing_mid_file_gets_its_indexes_back_and_stores_nothing(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *many_good_rows(40)])
    before = schema(engine)

    def break_after_first_batch(tick: object) -> None:
        if getattr(tick, "phase", "") == "import":
            with engine.connect() as conn:  # any database error raised mid-file
                conn.exec_driver_sql("SELECT * FROM no_such_table")

    with dropped_indexes(engine) as dropped, pytest.raises(DBAPIError, match="no_such_table"):
        import_contacts(engine, campaign_id, path, cipher, options(10), break_after_first_batch)
    assert set(dropped) == expected_drops(engine)
    assert schema(engine) == before
    assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    assert only_job(engine).status == "failed"
    assert_indexes_whole(engine)


def test_indexes_are_set_aside_only_for_a_file_as_large_as_the_table(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(50)
    first = write(tmp_path / "first.csv", [HEADER, *rows[:30]])
    small = write(tmp_path / "small.csv", [HEADER, *rows[30:40]])
    larger = write(tmp_path / "larger.csv", [HEADER, *rows[10:50]])
    with dropped_indexes(engine) as dropped:
        import_contacts(engine, campaign_id, first, cipher, options(31))  # under the minimum
        assert dropped == []
        import_contacts(engine, campaign_id, small, cipher, options(5))  # 10 rows into 30
        assert dropped == []
        import_contacts(engine, campaign_id, larger, cipher, options(5))  # 40 rows into 40
    assert set(dropped) == expected_drops(engine)
    assert count(engine, CampaignContact) == 50
    assert_indexes_whole(engine)


def test_each_table_is_weighed_against_the_file_on_its_own(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(50)
    import_contacts(engine, campaign_id, write(tmp_path / "a.csv", [HEADER, *rows[:30]]), cipher)
    with engine.begin() as conn:  # 30 people left, in no campaign
        conn.execute(CONTACT.delete())
    with dropped_indexes(engine) as dropped:
        path = write(tmp_path / "b.csv", [HEADER, *rows[30:]])
        summary, _ = import_contacts(engine, campaign_id, path, cipher, options(5))
    assert summary.stored == 20
    assert set(dropped) == expected_drops(engine, ("campaigncontact",))
    assert_indexes_whole(engine)


def test_no_statement_of_an_import_reads_an_index_it_sets_aside(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("indexes are set aside on SQLite only")
    rows = many_good_rows(30)
    import_contacts(engine, campaign_id, write(tmp_path / "a.csv", [HEADER, *rows[:20]]), cipher)
    # Known people with a new first name and a new reference: both kinds of update run.
    changed = [row.replace("Jean", "Paul").replace("G", "H", 1) for row in rows[:10]]
    path = write(tmp_path / "b.csv", [HEADER, *changed, *rows[20:]])
    statements: list[tuple[str, Any]] = []

    def note(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _c: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            statements.append((statement, parameters[0] if many else parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        summary, _ = import_contacts(engine, campaign_id, path, cipher)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert (summary.stored, summary.updated) == (10, 10)
    with engine.connect() as conn:
        used = {
            detail
            for statement, parameters in statements
            for *_, detail in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        }
    assert any("ix_person_identity_key" in detail for detail in used)
    assert not {name for name in EVERY_SET_ASIDE for detail in used if name in detail}
