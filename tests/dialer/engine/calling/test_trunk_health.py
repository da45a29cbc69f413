"""The trunk breaker: stop dialling on a box whose trunk fails every call, probe, resume (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialer.engine.calling.trunk_health import TrunkChange, TrunkHealth
from telephony.results import CallResult

T0 = datetime(2026, 12, 7, 9, 0)
NET = CallResult.NETWORK_FAILURE


def failures(health: TrunkHealth, count: int, start: datetime, step_s: float = 1.0) -> list:  # type: ignore[type-arg]
    return [health.record(NET, start + timedelta(seconds=i * step_s)) for i in range(count)]


def test_ten_network_failures_in_a_minute_stop_the_box() -> None:
    health = TrunkHealth()
    changes = failures(health, 10, T0)
    assert changes[:9] == [None] * 9 and changes[9] is TrunkChange.DOWN
    assert health.lines_allowed(T0 + timedelta(seconds=10)) == 0


def test_failures_spread_over_more_than_the_window_do_not() -> None:
    health = TrunkHealth()
    assert TrunkChange.DOWN not in failures(health, 30, T0, step_s=7.0)
    assert health.lines_allowed(T0 + timedelta(minutes=5)) is None


def test_any_other_result_resets_the_count() -> None:
    health = TrunkHealth()
    failures(health, 9, T0)
    assert health.record(CallResult.BUSY, T0 + timedelta(seconds=9)) is None
    assert TrunkChange.DOWN not in failures(health, 9, T0 + timedelta(seconds=10))


def test_one_probe_after_the_wait_then_up_on_success() -> None:
    health = TrunkHealth()
    failures(health, 10, T0)
    assert health.lines_allowed(T0 + timedelta(seconds=38)) == 0
    probe_time = T0 + timedelta(seconds=40)
    assert health.lines_allowed(probe_time) == 1
    health.probe_sent()
    assert health.lines_allowed(probe_time) == 0, "one probe at a time"
    assert health.record(CallResult.NO_ANSWER, probe_time) is TrunkChange.UP
    assert health.lines_allowed(probe_time) is None and not health.down


def test_a_failed_probe_keeps_the_box_down_and_waits_again() -> None:
    health = TrunkHealth()
    failures(health, 10, T0)
    probe_time = T0 + timedelta(seconds=40)
    health.probe_sent()
    assert health.record(NET, probe_time) is None
    assert health.down and health.lines_allowed(probe_time + timedelta(seconds=29)) == 0
    assert health.lines_allowed(probe_time + timedelta(seconds=30)) == 1
