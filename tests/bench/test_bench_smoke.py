"""bench/ami.py --quick --json runs end to end and reports every figure (no timing thresholds:
speed is the benchmark's business, not the tests')."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIGURES = (
    "parse_events",
    "parse_concurrent_calls",
    "events_per_s",
    "events_per_cpu_s",
    "panoramisk_events_per_s",
    "ratio_to_panoramisk",
    "flood_rate_achieved",
    "flood_events",
    "flood_lag_p50_ms",
    "flood_lag_p99_ms",
    "flood_lag_max_ms",
    "originates_sent",
    "originates_per_s",
    "originates_completed_per_s",
    "originate_finals",
    "originate_dial_log",
    "originates_per_cpu_s",
    "originate_client_cpu_load",
    "originate_sim_cpu_load",
)


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ami.py"), "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert isinstance(parsed, dict)
    return parsed


@pytest.mark.parametrize("key", FIGURES)
def test_figure_is_a_positive_number(report: dict[str, object], key: str) -> None:
    value = report[key]
    assert isinstance(value, int | float) and not isinstance(value, bool)
    assert value > 0


def test_every_originate_ends_once_and_matches_the_dial_log(report: dict[str, object]) -> None:
    sent = report["originates_sent"]
    assert report["originate_finals"] == sent
    assert report["originate_dial_log"] == sent
    assert report["originate_lost"] == 0
    assert report["originate_duplicate_finals"] == 0
    assert report["originate_dial_log_mismatch"] == 0


def test_goals_are_reported_for_each_measure(report: dict[str, object]) -> None:
    goals = report["goals_met"]
    assert isinstance(goals, dict)
    assert set(goals) == {
        "events_per_s",
        "ratio_to_panoramisk",
        "flood_lag_p99_ms",
        "originates_per_s",
    }
    assert all(isinstance(v, bool) for v in goals.values())
