"""One-off faults strike at their time of the simulated day, however late the day got going."""

from __future__ import annotations

import asyncio
from datetime import datetime

from proving.day.clock import SimClock
from proving.day.faults import _once


class LateDay(SimClock):
    """A day whose worker processes took 80 simulated minutes to start (a loaded machine)."""

    def simulated_seconds(self) -> float:
        return 80 * 60.0


async def test_a_fault_due_at_seventy_minutes_strikes_at_once_when_the_day_is_past_it() -> None:
    # Real time: a strike timed from the task's start would wait 70 minutes, past any day.
    clock = LateDay(start=datetime(2026, 12, 7, 9), epoch=0.0, time_factor=1.0)
    struck: list[float] = []
    await asyncio.wait_for(_once(clock, 70.0, lambda: struck.append(clock.simulated_seconds())), 60)
    assert struck == [80 * 60.0]
