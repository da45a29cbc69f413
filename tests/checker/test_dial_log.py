"""The dial log itself: an unreadable line is reported, never skipped."""

from __future__ import annotations

from tests.checker.builder import DayBuilder, rules_of


def test_an_unreadable_line_and_an_end_without_dial_are_reported(day: DayBuilder) -> None:
    day.call(day.person())
    assert day.check().ok
    with day.log_path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "dial", "at": "not a date"\n')
        handle.write('{"kind": "end", "channel_id": "dialer-77", "at": null}\n')
    report = day.check_existing_log()
    assert rules_of(report) == ["dial_log", "dial_log"]
    assert report.breaches[0].subject == "ligne 3 du journal"
    assert "fin d'appel sans composition" in report.breaches[1].detail_fr
