"""Agents' time by state from their history: intervals, clipping, hours, occupancy."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialer.engine.reports.occupancy import (
    NO_REASON_FR,
    StateMark,
    TimeUse,
    hourly_spans,
    state_spans,
    time_use,
)

DAY_START = datetime(2026, 12, 1, 23)  # Dec 2nd, 00:00 in Paris
DAY_END = datetime(2026, 12, 2, 23)
LATER = datetime(2026, 12, 10)


def _at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute)


def _use(marks: list[StateMark], start: datetime = DAY_START, end: datetime = DAY_END,
         now: datetime = LATER) -> TimeUse:  # fmt: skip
    return time_use(state_spans(marks, start, end, now))[1]


def test_each_state_lasts_until_the_agents_next_change() -> None:
    use = _use([
        StateMark(1, "paused", _at(8), "Formation"),
        StateMark(1, "available", _at(8, 30)),
        StateMark(1, "reserved", _at(8, 40)),
        StateMark(1, "on_call", _at(8, 41)),
        StateMark(1, "wrap_up", _at(8, 51)),
        StateMark(1, "available", _at(8, 55)),
        StateMark(1, "logged_out", _at(9)),
    ])  # fmt: skip
    assert use.paused == {"Formation": 1800.0}
    assert use.available == (10 + 1 + 5) * 60  # held for a dialled call counts as available
    assert use.on_call == 600.0 and use.wrap_up == 240.0
    assert use.occupancy == pytest.approx(840 / (840 + 960))


def test_a_pause_over_midnight_is_cut_at_the_period_bounds() -> None:
    marks = [
        StateMark(1, "paused", _at(22, 30, day=1), "Pause déjeuner"),  # 23:30 Paris, Dec 1st
        StateMark(1, "available", _at(0, 15)),  # 01:15 Paris, Dec 2nd
        StateMark(1, "paused", _at(22, 30), "Réunion"),  # 23:30 Paris, Dec 2nd
        StateMark(1, "logged_out", _at(23, 30)),
    ]
    use = _use(marks)
    assert use.paused == {"Pause déjeuner": 75 * 60.0, "Réunion": 30 * 60.0}
    previous = _use(marks, DAY_START - timedelta(days=1), DAY_START)
    assert previous.paused == {"Pause déjeuner": 30 * 60.0}


def test_a_state_before_the_period_counts_from_its_start() -> None:
    use = _use([StateMark(1, "available", _at(10, day=1)), StateMark(1, "logged_out", _at(1))])
    assert use.available == 2 * 3600.0  # from Paris midnight (23:00 UTC) to 01:00 UTC


def test_an_open_state_runs_to_now_never_beyond() -> None:
    now = _at(10, 20)
    use = _use([StateMark(1, "on_call", _at(10)), StateMark(2, "wrap_up", _at(11))], now=now)
    assert use.on_call == 1200.0
    assert 2 not in time_use(state_spans([StateMark(2, "wrap_up", _at(11))],
                                         DAY_START, DAY_END, now))  # fmt: skip


def test_agents_are_kept_apart_and_order_of_marks_does_not_matter() -> None:
    marks = [
        StateMark(2, "logged_out", _at(9, 30)),
        StateMark(1, "available", _at(9)),
        StateMark(2, "on_call", _at(9)),
        StateMark(1, "logged_out", _at(10)),
    ]
    uses = time_use(state_spans(marks, DAY_START, DAY_END, LATER))
    assert uses[1].available == 3600.0 and uses[1].on_call == 0.0
    assert uses[2].on_call == 1800.0 and uses[2].occupancy == 1.0


def test_a_pause_without_a_reason_is_named_and_logged_out_counts_nothing() -> None:
    use = _use([
        StateMark(1, "paused", _at(9)),
        StateMark(1, "logged_out", _at(9, 10)),
        StateMark(1, "paused", _at(12), "Formation"),
        StateMark(1, "logged_out", _at(12, 5)),
    ])  # fmt: skip
    assert use.paused == {NO_REASON_FR: 600.0, "Formation": 300.0}
    assert use.paused_total == 900.0
    assert use.occupancy is None  # only pauses: no rate rather than a false 0 %


def test_hourly_spans_cut_at_each_utc_hour_and_add_up_to_the_whole() -> None:
    marks = [
        StateMark(1, "available", _at(9, 50)),
        StateMark(1, "on_call", _at(10, 10)),
        StateMark(1, "wrap_up", _at(12, 5)),
        StateMark(1, "logged_out", _at(12, 10)),
    ]
    spans = hourly_spans(marks, DAY_START, DAY_END, LATER)
    by_hour = {(s.utc_hour, s.heading): s.seconds for s in spans}
    assert by_hour == {
        (_at(9), "available"): 600.0,
        (_at(10), "available"): 600.0,
        (_at(10), "on_call"): 3000.0,
        (_at(11), "on_call"): 3600.0,
        (_at(12), "on_call"): 300.0,
        (_at(12), "wrap_up"): 300.0,
    }
    whole, summed = _use(marks), time_use(spans)[1]
    assert (summed.available, summed.on_call, summed.wrap_up) == (
        whole.available, whole.on_call, whole.wrap_up,
    )  # fmt: skip


def test_nothing_outside_the_period_counts() -> None:
    marks = [StateMark(1, "available", _at(9, day=3)), StateMark(1, "logged_out", _at(10, day=3))]
    assert time_use(state_spans(marks, DAY_START, DAY_END, LATER)) == {}
