"""Rule 6: outcomes, feed events, attempts and the dial log agree."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_an_outcome_without_feed_event_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    attempt = day.call(person, result="abandoned")
    day.outcome(attempt, MORNING + timedelta(minutes=4), feed=False)  # says nothing: no event due
    assert day.check().ok
    second = day.call(person, MORNING + timedelta(hours=1), result="abandoned")
    silent = day.outcome(second, MORNING + timedelta(hours=1, minutes=4), feed=False,
                         wrong_person=True)  # fmt: skip
    report = day.check()
    assert rules_of(report) == ["traceability"]
    assert report.breaches[0].subject == f"résultat {silent}"


def test_a_feed_event_naming_a_missing_outcome_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person)
    assert day.check().ok
    with day.engine.begin() as conn:
        # The foreign key would refuse it: the checker must not rely on it being there.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.execute(text("UPDATE feedevent SET outcome_id = 999"))
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
    report = day.check()
    # The outcome has lost its event too: both sides of the broken link are reported.
    assert rules_of(report) == ["traceability", "traceability"]
    assert {b.subject for b in report.breaches} == {"résultat 1", "résultat 999"}


def test_a_dial_log_call_naming_no_attempt_is_a_breach(day: DayBuilder) -> None:
    day.call(day.person())
    assert day.check().ok
    later = MORNING + timedelta(hours=1)
    day.log_call(4242, "+33698765432", later, later + timedelta(seconds=30), "busy")
    report = day.check()
    assert rules_of(report) == ["traceability"]
    assert "tentative 4242 absente de la base" in report.breaches[0].detail_fr


def test_an_attempt_dialled_twice_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    attempt = day.call(person, seconds=60)
    assert day.check().ok
    day.log_call(attempt, "+33611111111", MORNING + timedelta(hours=1), MORNING.replace(hour=12),
                 "busy")  # fmt: skip
    report = day.check()
    assert rules_of(report) == ["traceability"]
    assert "composée 2 fois" in report.breaches[0].detail_fr


def test_an_answered_attempt_missing_from_the_log_is_a_breach(day: DayBuilder) -> None:
    day.call(day.person(), result="invalid_number", logged=False)  # never sent: fine
    assert day.check().ok
    missing = day.call(day.person(), MORNING + timedelta(hours=1), logged=False)
    report = day.check()
    assert rules_of(report) == ["traceability"]
    assert report.breaches[0].subject == f"tentative {missing}"
