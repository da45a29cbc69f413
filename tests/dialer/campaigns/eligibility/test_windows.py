"""Calling windows in local time, DST, territory holidays, and the SQL pre-filter."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings

from dialer.campaigns.eligibility import (
    check_contact,
    holiday_name,
    in_calling_window,
    next_window_start,
    window_open_territories,
)
from dialer.campaigns.eligibility.windows import _holiday_names, to_local
from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.contacts.territories import TERRITORIES, Territory

from .builders import DEFAULT_POLICY, make_facts, policies, territories, utc_moments

T = Territory


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 10, 9, 59), False),
        (datetime(2026, 3, 10, 10, 0), True),
        (datetime(2026, 3, 10, 12, 59), True),
        (datetime(2026, 3, 10, 13, 0), False),  # lunch break
        (datetime(2026, 3, 10, 14, 0), True),
        (datetime(2026, 3, 10, 19, 59, 59), True),
        (datetime(2026, 3, 10, 20, 0), False),  # the end is excluded
        (datetime(2026, 3, 14, 11, 0), False),  # Saturday
        (datetime(2026, 3, 15, 11, 0), False),  # Sunday
        (datetime(2026, 7, 14, 11, 0), False),  # Bastille Day, a Tuesday
    ],
)
def test_default_windows_in_metropolitan_france(local: datetime, expected: bool) -> None:
    assert in_calling_window(local, DEFAULT_POLICY, T.METRO) is expected


def test_holidays_are_callable_when_the_policy_says_so() -> None:
    policy = CallingPolicy(skip_public_holidays=False)
    assert in_calling_window(datetime(2026, 7, 14, 11, 0), policy, T.METRO)


@pytest.mark.parametrize(
    ("territory", "utc", "expected"),
    [
        (T.REUNION, datetime(2026, 3, 10, 5, 59), False),  # 09:59 in Saint-Denis
        (T.REUNION, datetime(2026, 3, 10, 6, 0), True),  # 10:00, UTC+4
        (T.REUNION, datetime(2026, 3, 10, 15, 59), True),  # 19:59
        (T.REUNION, datetime(2026, 3, 10, 16, 0), False),  # 20:00
        (T.MAYOTTE, datetime(2026, 3, 10, 7, 0), True),  # 10:00, UTC+3
        (T.GUADELOUPE, datetime(2026, 3, 10, 13, 59), False),  # 09:59, UTC-4
        (T.GUADELOUPE, datetime(2026, 3, 10, 14, 0), True),
        (T.GUADELOUPE, datetime(2026, 3, 10, 23, 59), True),  # 19:59 on Tuesday
        (T.GUADELOUPE, datetime(2026, 3, 11, 0, 0), False),  # 20:00 on Tuesday
        (T.GUYANE, datetime(2026, 3, 10, 13, 0), True),  # 10:00, UTC-3
        # Paris, last Sunday of March 2026 is the 29th: UTC+1 before, UTC+2 after.
        (T.METRO, datetime(2026, 3, 27, 8, 30), False),  # Friday 09:30 CET
        (T.METRO, datetime(2026, 3, 27, 9, 0), True),  # Friday 10:00 CET
        (T.METRO, datetime(2026, 3, 30, 8, 0), True),  # Monday 10:00 CEST
        (T.METRO, datetime(2026, 3, 30, 17, 59), True),  # Monday 19:59 CEST
        (T.METRO, datetime(2026, 3, 30, 18, 0), False),  # Monday 20:00 CEST
        # Last Sunday of October 2026 is the 25th: UTC+2 before, UTC+1 after.
        (T.METRO, datetime(2026, 10, 23, 8, 0), True),  # Friday 10:00 CEST
        (T.METRO, datetime(2026, 10, 26, 8, 30), False),  # Monday 09:30 CET
        (T.METRO, datetime(2026, 10, 26, 18, 30), True),  # Monday 19:30 CET
    ],
)
def test_windows_follow_the_persons_time_zone(
    territory: Territory, utc: datetime, expected: bool
) -> None:
    local = to_local(utc, TERRITORIES[territory].time_zone)
    assert in_calling_window(local, DEFAULT_POLICY, territory) is expected
    facts = make_facts(territory)
    assert (check_contact(facts, DEFAULT_POLICY, utc) is None) is expected


@pytest.mark.parametrize(
    ("territory", "day", "expected_in"),
    [
        (T.GUADELOUPE, date(2026, 5, 27), {T.GUADELOUPE}),
        (T.MARTINIQUE, date(2026, 5, 22), {T.MARTINIQUE}),
        (T.GUYANE, date(2026, 6, 10), {T.GUYANE}),
        (T.REUNION, date(2027, 12, 20), {T.REUNION}),
        (T.MAYOTTE, date(2026, 4, 27), {T.MAYOTTE}),
        (T.ALSACE, date(2026, 4, 3), {T.ALSACE, T.MOSELLE, T.GUADELOUPE}),  # Good Friday
        (T.MOSELLE, date(2025, 12, 26), {T.ALSACE, T.MOSELLE}),  # Saint Stephen
        (T.GUADELOUPE, date(2026, 3, 12), {T.GUADELOUPE}),  # Mi-Carême
    ],
)
def test_territory_holidays(territory: Territory, day: date, expected_in: set[Territory]) -> None:
    holders = {t for t in Territory if holiday_name(day, t) is not None}
    assert holders == expected_in
    assert territory in holders
    # 11:00 local on that working day: the holiday, not the hour, blocks.
    for other in Territory:
        zone = TERRITORIES[other].time_zone
        local = datetime.combine(day, time(11, 0))
        assert in_calling_window(local, DEFAULT_POLICY, other) is (other not in holders), zone


def test_holiday_block_names_the_day_and_lifts_at_next_open_window() -> None:
    # Friday 22 May 2026, 10:00 in Fort-de-France (UTC-4): abolition of slavery.
    now = datetime(2026, 5, 22, 14, 0)
    block = check_contact(make_facts(T.MARTINIQUE), DEFAULT_POLICY, now)
    assert block is not None
    assert block.code == "holiday"
    assert "esclavage" in block.reason_fr
    # Weekend, then Whit Monday 25 May: Tuesday 26 May, 10:00 local.
    assert block.until == datetime(2026, 5, 26, 14, 0)
    assert check_contact(make_facts(T.GUADELOUPE), DEFAULT_POLICY, now) is None


@pytest.mark.parametrize(
    ("territory", "after", "expected"),
    [
        (T.METRO, datetime(2026, 3, 10, 10, 0), datetime(2026, 3, 10, 10, 0)),  # already open
        (T.METRO, datetime(2026, 3, 10, 12, 30), datetime(2026, 3, 10, 13, 0)),  # lunch
        (T.METRO, datetime(2026, 3, 13, 19, 0), datetime(2026, 3, 16, 9, 0)),  # Friday night
        (T.METRO, datetime(2026, 3, 27, 19, 0), datetime(2026, 3, 30, 8, 0)),  # over spring DST
        (T.METRO, datetime(2026, 10, 23, 18, 0), datetime(2026, 10, 26, 9, 0)),  # autumn DST
        (T.REUNION, datetime(2026, 3, 10, 2, 0), datetime(2026, 3, 10, 6, 0)),
        (T.GUADELOUPE, datetime(2026, 3, 11, 0, 0), datetime(2026, 3, 11, 14, 0)),
        (T.METRO, datetime(2026, 12, 24, 19, 30), datetime(2026, 12, 28, 9, 0)),  # Christmas
    ],
)
def test_next_window_start(territory: Territory, after: datetime, expected: datetime) -> None:
    zone = TERRITORIES[territory].time_zone
    assert next_window_start(after, DEFAULT_POLICY, territory, zone) == expected


def test_next_window_start_inside_a_dst_gap() -> None:
    # 02:00-04:00 does not exist before 03:00 on 29 March 2026 in Paris.
    policy = CallingPolicy(windows=[TimeWindow(start=time(2, 0), end=time(4, 0))], weekdays=[6])
    found = next_window_start(datetime(2026, 3, 28, 23, 0), policy, T.METRO, "Europe/Paris")
    assert found == datetime(2026, 3, 29, 1, 0)  # 03:00 CEST, the first real instant


def test_next_window_start_in_the_repeated_autumn_hour() -> None:
    # 02:00-02:30 happens twice on 25 October 2026 in Paris: 00:00 and 01:00 UTC.
    policy = CallingPolicy(windows=[TimeWindow(start=time(2, 0), end=time(2, 30))], weekdays=[6])
    first = next_window_start(datetime(2026, 10, 24, 12, 0), policy, T.METRO, "Europe/Paris")
    assert first == datetime(2026, 10, 25, 0, 0)
    # 00:45 UTC is 02:45 summer time, between the two passes.
    second = next_window_start(datetime(2026, 10, 25, 0, 45), policy, T.METRO, "Europe/Paris")
    assert second == datetime(2026, 10, 25, 1, 0)


def test_a_window_missing_on_the_dst_day_opens_the_next_week() -> None:
    # 02:15 does not exist on Sunday 29 March 2026 in Paris: the next Sunday opens.
    policy = CallingPolicy(windows=[TimeWindow(start=time(2, 15), end=time(2, 30))], weekdays=[6])
    found = next_window_start(datetime(2026, 3, 28, 12, 0), policy, T.METRO, "Europe/Paris")
    assert found == datetime(2026, 4, 5, 0, 15)


def test_next_window_start_gives_up_when_nothing_opens() -> None:
    never = CallingPolicy(weekdays=[])
    assert next_window_start(datetime(2026, 3, 10), never, T.METRO, "Europe/Paris") is None
    block = check_contact(make_facts(), never, datetime(2026, 3, 10, 10, 0))
    assert block is not None
    assert (block.code, block.until) == ("outside_window", None)


def test_a_holiday_on_the_only_allowed_weekday_moves_a_week() -> None:
    # 1 January 2026 is a Thursday and a holiday; Thursdays only: the 8th.
    thursdays = CallingPolicy(weekdays=[3])
    after = datetime(2026, 1, 1, 0, 0)
    assert next_window_start(after, thursdays, T.METRO, "Europe/Paris") == datetime(2026, 1, 8, 9)


@settings(max_examples=80, deadline=None)
@given(after=utc_moments, policy=policies(), territory=territories)
def test_next_window_start_is_inside_a_window_and_the_earliest(
    after: datetime, policy: CallingPolicy, territory: Territory
) -> None:
    zone = TERRITORIES[territory].time_zone
    found = next_window_start(after, policy, territory, zone)
    if found is None:
        return
    assert found >= after
    assert in_calling_window(to_local(found, zone), policy, territory)
    if found > after:
        just_before = max(after, found - timedelta(seconds=1))
        assert not in_calling_window(to_local(just_before, zone), policy, territory)


@settings(max_examples=80, deadline=None)
@given(now=utc_moments, policy=policies())
def test_open_territories_agree_with_check_contact(now: datetime, policy: CallingPolicy) -> None:
    open_now = window_open_territories(policy, now)
    for territory in Territory:
        verdict = check_contact(make_facts(territory), policy, now)
        assert (territory in open_now) is (verdict is None)
        if verdict is not None:
            assert verdict.code in ("holiday", "outside_window")


def test_open_territories_at_a_known_instant() -> None:
    # Tuesday 10 March 2026 06:30 UTC: 07:30 Paris, 10:30 Réunion, 09:30 Mayotte,
    # 02:30 Guadeloupe and Martinique, 03:30 Guyane.
    assert window_open_territories(DEFAULT_POLICY, datetime(2026, 3, 10, 6, 30)) == {T.REUNION}
    # 18:30 UTC: 19:30 Paris, 14:30 in the Antilles, 15:30 Guyane, night in the Indian Ocean.
    assert window_open_territories(DEFAULT_POLICY, datetime(2026, 3, 10, 18, 30)) == {
        T.METRO, T.CORSICA, T.MOSELLE, T.ALSACE, T.GUADELOUPE, T.MARTINIQUE, T.GUYANE,
    }  # fmt: skip


def test_holiday_sets_are_built_once_per_subdivision_and_year() -> None:
    holiday_name(date(2031, 5, 22), T.MARTINIQUE)
    before = _holiday_names.cache_info()
    for day in range(1, 29):
        holiday_name(date(2031, 2, day), T.MARTINIQUE)
    after = _holiday_names.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 28
