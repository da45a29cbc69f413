"""Calling windows and public holidays, in the called person's local time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.contacts.territories import TERRITORIES, Territory

# How far ahead a window is looked for before giving up: wider than any run of
# holidays and weekends, narrow enough to stay cheap at selection rate.
SEARCH_DAYS = 31


@lru_cache(maxsize=256)
def _holiday_names(subdivision: str | None, year: int) -> dict[date, str]:
    # Building a holidays calendar is slow compared with the selection rate,
    # so each (subdivision, year) is computed once per process.
    calendar = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(calendar.items())


def holiday_name(local_day: date, territory: Territory) -> str | None:
    """The French name of the public holiday on that day in that territory, if any."""
    subdivision = TERRITORIES[territory].holiday_subdivision
    return _holiday_names(subdivision, local_day.year).get(local_day)


def is_blocking_holiday(local_day: date, policy: CallingPolicy, territory: Territory) -> bool:
    return policy.skip_public_holidays and holiday_name(local_day, territory) is not None


def is_closed_day(local_day: date, policy: CallingPolicy, territory: Territory) -> bool:
    """True when no call may be placed at all that day (weekday not allowed or holiday)."""
    if local_day.weekday() not in policy.weekdays:
        return True
    return is_blocking_holiday(local_day, policy, territory)


def _in_hours(moment: time, windows: list[TimeWindow]) -> bool:
    # A window includes its start and excludes its end: 20:00 is already too late.
    return any(window.start <= moment < window.end for window in windows)


def in_calling_window(local_dt: datetime, policy: CallingPolicy, territory: Territory) -> bool:
    """True when a person of that territory may be called at that local wall-clock time."""
    if is_closed_day(local_dt.date(), policy, territory):
        return False
    return _in_hours(local_dt.time(), policy.windows)


def to_local(utc_naive: datetime, time_zone: str) -> datetime:
    """Naive UTC to the naive wall-clock time of the zone."""
    aware = utc_naive.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return aware.replace(tzinfo=None)


def _utc_candidates(local: datetime, zone: ZoneInfo) -> list[datetime]:
    # A wall-clock time may exist twice (October) or not at all (March):
    # both folds are tried and the caller keeps only those that round-trip.
    found = set()
    for fold in (0, 1):
        aware = local.replace(tzinfo=zone, fold=fold)
        found.add(aware.astimezone(UTC).replace(tzinfo=None))
    return sorted(found)


def _first_start_on(
    day: date, after_utc: datetime, policy: CallingPolicy, territory: Territory, zone: ZoneInfo
) -> datetime | None:
    for window in sorted(policy.windows, key=lambda w: w.start):
        for candidate in _utc_candidates(datetime.combine(day, window.start), zone):
            if candidate < after_utc:
                continue
            back = to_local(candidate, zone.key)
            if back.date() == day and in_calling_window(back, policy, territory):
                return candidate
    return None


def next_window_start(
    after_utc: datetime, policy: CallingPolicy, territory: Territory, time_zone: str
) -> datetime | None:
    """The earliest naive UTC instant >= after_utc inside a calling window.

    That is `after_utc` itself when it already lies inside a window, otherwise
    the start of the next open window, skipping disallowed weekdays and the
    territory's holidays. None when no window opens within SEARCH_DAYS.
    """
    if in_calling_window(to_local(after_utc, time_zone), policy, territory):
        return after_utc
    zone = ZoneInfo(time_zone)
    first_day = to_local(after_utc, time_zone).date()
    for offset in range(SEARCH_DAYS + 1):
        day = first_day + timedelta(days=offset)
        if is_closed_day(day, policy, territory):
            continue
        start = _first_start_on(day, after_utc, policy, territory, zone)
        if start is not None:
            return start
    return None


# A territory and the IANA time zone its local time is read in.
Clock = tuple[Territory, str]


def in_every_window(now_utc: datetime, policy: CallingPolicy, clocks: Sequence[Clock]) -> bool:
    """True when every local time the call must respect is inside a calling window."""
    return all(in_calling_window(to_local(now_utc, zone), policy, t) for t, zone in clocks)


def next_common_window_start(
    after_utc: datetime, policy: CallingPolicy, clocks: Sequence[Clock]
) -> datetime | None:
    """The earliest naive UTC instant >= after_utc inside a window of every clock.

    Jumps to the latest of the clocks' next window starts until they agree: no
    instant before that start can be open for the clock it belongs to.
    """
    moment = after_utc
    horizon = after_utc + timedelta(days=SEARCH_DAYS)
    while moment <= horizon:
        starts = [next_window_start(moment, policy, t, zone) for t, zone in clocks]
        if any(start is None for start in starts):
            return None
        latest = max(start for start in starts if start is not None)
        if latest == moment:
            return moment
        moment = latest
    return None


def window_open_territories(policy: CallingPolicy, now: datetime) -> set[Territory]:
    """Territories whose local time is inside a calling window right now.

    Lets the selection query pre-filter, on the person's territory and the
    number's, before the exact per-contact check; it assumes the person's time
    zone is the territory's.
    """
    return {
        territory
        for territory, info in TERRITORIES.items()
        if in_calling_window(to_local(now, info.time_zone), policy, territory)
    }
