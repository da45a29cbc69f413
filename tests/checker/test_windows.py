"""Rule 1: calling windows, allowed weekdays and territory holidays, in local time."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_a_call_after_the_evening_window_in_local_time_is_a_breach(day: DayBuilder) -> None:
    # 16:30 UTC is 12:30 in Martinique but 17:30 in Paris: only the local time counts.
    day.call(day.person("martinique", "America/Martinique"), MORNING.replace(hour=16, minute=30))
    assert day.check().ok
    late = day.call(day.person(), MORNING.replace(hour=19, minute=0))  # 20:00 in Paris
    report = day.check()
    assert rules_of(report) == ["calling_window"]
    (breach,) = report.breaches
    assert breach.subject == f"tentative {late}"
    assert "le 18/11/2026 à 20:00 heure locale (Europe/Paris)" in breach.detail_fr


def test_the_lunch_break_is_closed(day: DayBuilder) -> None:
    day.call(day.person(), MORNING.replace(hour=12, minute=30))  # 13:30 in Paris
    assert rules_of(day.check()) == ["calling_window"]


def test_a_saturday_is_not_an_allowed_weekday(day: DayBuilder) -> None:
    day.call(day.person(), MORNING + timedelta(days=3))
    report = day.check()
    assert rules_of(report) == ["calling_window"]
    assert "un samedi, jour non autorisé" in report.breaches[0].detail_fr


def test_a_campaign_may_allow_saturdays_and_its_own_windows(day: DayBuilder) -> None:
    policy = {"windows": [{"start": "09:00:00", "end": "12:00:00"}], "weekdays": [5]}
    campaign = day.campaign("flu_vaccination", policy)
    day.call(day.person(), MORNING + timedelta(days=3, hours=-1), campaign_id=campaign)
    assert day.check().ok
    day.call(day.person(), MORNING + timedelta(days=3, hours=1), campaign_id=campaign)
    assert rules_of(day.check()) == ["calling_window"]


def test_abolition_day_is_a_holiday_in_guadeloupe_only(day: DayBuilder) -> None:
    abolition = datetime(2026, 5, 27, 14, 0)  # a Wednesday, 10:00 in Guadeloupe
    day.call(day.person("reunion", "Indian/Reunion"), abolition.replace(hour=8))
    assert day.check().ok
    day.call(day.person("guadeloupe", "America/Guadeloupe"), abolition)
    report = day.check()
    assert rules_of(report) == ["calling_window"]
    assert "jour férié" in report.breaches[0].detail_fr
    assert "« guadeloupe »" in report.breaches[0].detail_fr


def test_holidays_are_allowed_when_the_campaign_says_so(day: DayBuilder) -> None:
    armistice = MORNING - timedelta(days=7)  # Wednesday 11 November 2026
    campaign = day.campaign("flu_vaccination", {"skip_public_holidays": False})
    day.call(day.person(), armistice, campaign_id=campaign)
    assert day.check().ok
    day.call(day.person(), armistice + timedelta(hours=1))
    report = day.check()
    assert rules_of(report) == ["calling_window"]
    assert "Armistice" in report.breaches[0].detail_fr


def test_the_number_local_time_counts_as_well_as_the_address(day: DayBuilder) -> None:
    # 09:30 UTC: 10:30 in Paris, 05:30 in Martinique.
    paris_mobile = day.person("metro", "Europe/Paris", "+33612345678")
    day.call(paris_mobile, MORNING.replace(hour=9, minute=30))
    assert day.check().ok
    antilles = day.person("metro", "Europe/Paris", "+596696123456")
    early = day.call(antilles, MORNING.replace(hour=9, minute=30))
    day.call(antilles, MORNING.replace(hour=15, minute=0))  # 16:00 Paris, 11:00 Martinique
    report = day.check()
    assert rules_of(report) == ["calling_window"]
    (breach,) = report.breaches
    assert breach.subject == f"tentative {early}"
    assert "05:30 heure locale (America/Martinique)" in breach.detail_fr
