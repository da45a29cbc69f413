"""Agents' time by state over a period, from their state history, without I/O.

Each ``StateMark`` opens an interval that the agent's next mark closes; the last
one is still open and runs to ``now``. Intervals are clipped to the period (and to
``now``: the future is nobody's time), and may be split by hour for the rollup.

What a manager reads:
- available: waiting for a call, and held for a call being dialled (``reserved``:
  the agent cannot do anything else meanwhile, and most dialled calls reach no one);
- on call, wrap-up, paused by the reason the agent chose;
- occupancy = (on call + wrap-up) / (on call + wrap-up + available), pauses left out
  (a pause is time the centre gave, not time the campaign failed to fill).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

AVAILABLE, ON_CALL, WRAP_UP, PAUSED = "available", "on_call", "wrap_up", "paused"
# State history values counted under each of the report's headings; others count nothing.
COUNTED_AS = {"available": AVAILABLE, "reserved": AVAILABLE, "on_call": ON_CALL,
              "wrap_up": WRAP_UP, "paused": PAUSED}  # fmt: skip
NO_REASON_FR = "Sans motif"
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StateMark:
    user_id: int
    state: str
    since: datetime  # naive UTC
    pause_reason: str | None = None


@dataclass(frozen=True, slots=True)
class StateSpan:
    """Seconds one agent spent under one heading (``reason`` only for pauses)."""

    user_id: int
    heading: str
    reason: str
    seconds: float
    utc_hour: datetime | None = None  # the hour of a rolled-up span


@dataclass(slots=True)
class TimeUse:
    available: float = 0.0
    on_call: float = 0.0
    wrap_up: float = 0.0
    paused: dict[str, float] = field(default_factory=dict)

    @property
    def paused_total(self) -> float:
        return sum(self.paused.values())

    @property
    def occupancy(self) -> float | None:
        """None when the agent was never available nor busy: no rate, rather than a false 0 %."""
        busy = self.on_call + self.wrap_up
        base = busy + self.available
        return busy / base if base > 0 else None

    def add(self, span: StateSpan) -> None:
        if span.heading == PAUSED:
            self.paused[span.reason] = self.paused.get(span.reason, 0.0) + span.seconds
        elif span.heading == AVAILABLE:
            self.available += span.seconds
        elif span.heading == ON_CALL:
            self.on_call += span.seconds
        elif span.heading == WRAP_UP:
            self.wrap_up += span.seconds


def _intervals(
    marks: Iterable[StateMark], start: datetime, end: datetime, now: datetime
) -> Iterator[tuple[StateMark, datetime, datetime]]:
    by_user: dict[int, list[StateMark]] = {}
    for mark in marks:
        by_user.setdefault(mark.user_id, []).append(mark)
    stop = min(end, now)
    for user_marks in by_user.values():
        user_marks.sort(key=lambda mark: mark.since)
        nexts = [later.since for later in user_marks[1:]] + [stop]
        for mark, until in zip(user_marks, nexts, strict=True):
            lower, upper = max(mark.since, start), min(until, stop)
            if upper > lower and mark.state in COUNTED_AS:
                yield mark, lower, upper


def _span(mark: StateMark, seconds: float, hour: datetime | None = None) -> StateSpan:
    heading = COUNTED_AS[mark.state]
    reason = (mark.pause_reason or NO_REASON_FR) if heading == PAUSED else ""
    return StateSpan(mark.user_id, heading, reason, seconds, hour)


def state_spans(
    marks: Iterable[StateMark], start: datetime, end: datetime, now: datetime
) -> list[StateSpan]:
    """Each counted interval clipped to [start, min(end, now)).

    ``marks`` must hold, for every agent, the last mark before ``start`` too: it says
    what the agent was doing when the period began.
    """
    return [
        _span(mark, (upper - lower).total_seconds())
        for mark, lower, upper in _intervals(marks, start, end, now)
    ]


def hourly_spans(
    marks: Iterable[StateMark], start: datetime, end: datetime, now: datetime
) -> list[StateSpan]:
    """As ``state_spans``, cut at each UTC hour and summed per agent, hour and heading."""
    sums: dict[tuple[int, datetime, str, str], float] = {}
    for mark, lower, upper in _intervals(marks, start, end, now):
        cursor = lower
        while cursor < upper:
            hour = cursor.replace(minute=0, second=0, microsecond=0)
            cut = min(hour + HOUR, upper)
            span = _span(mark, 0.0)
            key = (span.user_id, hour, span.heading, span.reason)
            sums[key] = sums.get(key, 0.0) + (cut - cursor).total_seconds()
            cursor = cut
    return [
        StateSpan(user_id, heading, reason, seconds, hour)
        for (user_id, hour, heading, reason), seconds in sorted(sums.items())
    ]


def time_use(spans: Iterable[StateSpan]) -> Mapping[int, TimeUse]:
    """Per agent, the spans added up."""
    uses: dict[int, TimeUse] = {}
    for span in spans:
        uses.setdefault(span.user_id, TimeUse()).add(span)
    return uses
