"""Rule 7: each fund's feed is numbered 1..N, without holes or duplicates."""

from __future__ import annotations

from sqlalchemy import text

from tests.checker.builder import DayBuilder, rules_of


def test_a_hole_in_a_funds_feed_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person)
    day.feed_event(None, person)  # a rectification, say: no outcome, still numbered
    assert day.check().ok
    day.feed_event(None, person, seq=5)
    report = day.check()
    assert rules_of(report) == ["feed_sequence"]
    assert report.breaches[0].subject == f"caisse {day.fund_id}"
    assert "numéros manquants 3, 4" in report.breaches[0].detail_fr


def test_a_duplicate_number_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person)
    day.feed_event(None, person)
    assert day.check().ok
    with day.engine.begin() as conn:
        # Only possible without the unique constraint: the checker must not rely on it.
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE feedevent DROP CONSTRAINT feedevent_fund_id_seq_key"))
            conn.execute(text("UPDATE feedevent SET seq = 1"))
        else:
            conn.execute(text("UPDATE feedevent SET fund_id = fund_id"))
    if day.engine.dialect.name == "sqlite":
        _duplicate_on_sqlite(day)
    day.seqs[day.fund_id] = 2
    report = day.check()
    assert rules_of(report) == ["feed_sequence"]
    assert "numéros en double 1" in report.breaches[0].detail_fr


def _duplicate_on_sqlite(day: DayBuilder) -> None:
    # SQLite cannot drop a constraint: rebuild the table without it.
    with day.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE feed_copy AS SELECT * FROM feedevent")
        conn.exec_driver_sql("DROP TABLE feedevent")
        conn.exec_driver_sql("ALTER TABLE feed_copy RENAME TO feedevent")
        conn.exec_driver_sql("UPDATE feedevent SET seq = 1")


def test_a_cursor_past_the_last_event_is_a_breach(day: DayBuilder) -> None:
    day.call(day.person())
    assert day.check().ok
    day.seqs[day.fund_id] += 1  # a number handed out whose event was lost
    report = day.check()
    assert rules_of(report) == ["feed_sequence"]
    assert "compteur du flux est à 2 pour 1 événements" in report.breaches[0].detail_fr
