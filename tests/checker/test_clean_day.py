"""A clean day passes every rule, and every rule really looked at something."""

from __future__ import annotations

from datetime import timedelta

import pytest

from checker.__main__ import main
from checker.report import RULE_LABELS_FR
from tests.checker.builder import MORNING, DayBuilder, rules_of


def clean_day(day: DayBuilder) -> None:
    first, second = day.person(), day.person("guadeloupe", "America/Guadeloupe")
    agent = day.agent()
    day.call(first, agent=agent)
    day.call(first, MORNING + timedelta(days=1, hours=4), result="no_answer")
    # 15:00 UTC is 11:00 in Guadeloupe.
    day.call(second, MORNING + timedelta(hours=5), outcome={"offer": "accepted"}, agent=agent)
    day.call(second, MORNING + timedelta(days=1, hours=5), result="busy", seconds=5)


def test_clean_day_passes_and_every_rule_examined_items(day: DayBuilder) -> None:
    clean_day(day)
    report = day.check()
    assert report.ok, report.render_fr()
    assert rules_of(report) == []
    assert set(report.counts) == set(RULE_LABELS_FR)
    assert all(count > 0 for count in report.counts.values()), report.counts
    assert report.counts["calling_window"] == 4
    assert report.counts["need_to_know"] == 2


def test_cli_prints_a_french_report_and_exits_1_on_a_breach(
    day: DayBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_day(day)
    day.check()
    assert main([day.database_url, str(day.log_path)]) == 0
    assert "aucun manquement" in capsys.readouterr().out
    day.call(day.person(), MORNING.replace(hour=21))  # 22:00 in Paris
    assert not day.check().ok
    assert main([day.database_url, str(day.log_path)]) == 1
    out = capsys.readouterr().out
    assert "hors des plages autorisées (10:00-13:00, 14:00-20:00)" in out
    assert "1 manquement(s) constaté(s)" in out


def test_cli_refuses_a_missing_log(day: DayBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([day.database_url, str(day.log_path.with_name("absent.jsonl"))]) == 2
    assert "Journal d'appels introuvable" in capsys.readouterr().err


def test_since_keeps_only_the_period(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, MORNING - timedelta(days=7, hours=-12))  # a Wednesday, 23:00 in Paris
    day.call(person)
    assert rules_of(day.check()) == ["calling_window"]
    report = day.check(since=MORNING - timedelta(hours=1))
    assert report.ok, report.render_fr()
    assert report.counts["calling_window"] == 1
