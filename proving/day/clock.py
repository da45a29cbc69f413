"""The simulated day's clock, shared by every process of the run.

Simulated time runs ``1 / time_factor`` times faster than the wall clock, from a
simulated start. It is computed from the epoch (``time.time``) rather than a
monotonic counter so a dialer worker in another process reads the same now.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
DAY_START_LOCAL_HOUR = 8


@dataclass(frozen=True)
class SimClock:
    start: datetime  # naive UTC, simulated
    epoch: float  # wall-clock seconds at which the simulated start happened
    time_factor: float  # real seconds per simulated second

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self.simulated_seconds())

    def simulated_seconds(self) -> float:
        return max(0.0, time.time() - self.epoch) / self.time_factor

    def real_seconds(self, simulated_s: float) -> float:
        return simulated_s * self.time_factor


def next_working_day(after: date) -> date:
    """The first Monday-to-Friday after ``after`` that is no public holiday in France."""
    french = holidays.country_holidays("FR", years=[after.year, after.year + 1])
    day = after + timedelta(days=1)
    while day.weekday() >= 5 or day in french:
        day += timedelta(days=1)
    return day


def day_start(day: date, hour: int = DAY_START_LOCAL_HOUR) -> datetime:
    """``hour`` o'clock in Paris on ``day``, as naive UTC."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
    return local.astimezone(UTC).replace(tzinfo=None)


def start_clock(time_factor: float, today: date | None = None) -> SimClock:
    """A clock at 08:00 Paris on the next working day, running from now.

    The day is in the future on purpose: the wave's stored APScheduler jobs run on
    the wall clock, and a day in the past would fire its end job at once.
    """
    day = next_working_day(today or datetime.now(UTC).date())
    return SimClock(day_start(day), time.time(), time_factor)
