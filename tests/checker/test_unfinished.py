"""Rule 5: at the end of the day every attempt has its final result."""

from __future__ import annotations

from datetime import timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_an_attempt_left_without_result_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, result="failed", logged=False)  # refused by the PBX: closed, no log line
    assert day.check().ok
    open_attempt = day.call(day.person(), MORNING + timedelta(hours=1), result=None)
    report = day.check()
    assert rules_of(report) == ["unfinished_attempt"]
    assert report.breaches[0].subject == f"tentative {open_attempt}"
    assert "sans résultat final" in report.breaches[0].detail_fr


def test_a_call_the_pbx_never_ended_is_a_breach(day: DayBuilder) -> None:
    day.call(day.person(), result="no_answer")
    assert day.check().ok
    hung = day.call(day.person(), MORNING + timedelta(hours=1), result="no_answer", ended=False)
    report = day.check()
    assert rules_of(report) == ["unfinished_attempt"]
    assert report.breaches[0].subject == f"appel dialer-{hung} (ligne 3)"
    assert "jamais terminé" in report.breaches[0].detail_fr
