"""bench/soak.py runs a (very) short day end to end on PostgreSQL and reports every figure
(no thresholds: the goals are the benchmark's business, not the tests')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("DIALER_TEST_DATABASE_URL", "")


@pytest.mark.postgres
def test_soak_reports_a_day() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALER_TEST_DATABASE_URL")
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--agents", "4", "--minutes", "0.15", "--json"],
        cwd=ROOT,
        env=os.environ | {"DIALER_BENCH_DATABASE_URL": PG_URL},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["agents"] == 4 and figures["contacts"] == 1000
    assert figures["attempts"] > 0 and 0 < figures["outcomes"] <= figures["answered"]
    assert figures["outcome_errors"] == 0
    assert figures["rss_start_mb"] > 0 and figures["rss_end_mb"] > 0
    assert figures["db_connections_max"] >= 1 and figures["loop_lag_p99_ms"] >= 0
    assert set(figures["goals"]) == {"rss_growth_under_10pct", "loop_lag_p99_under_20ms"}


def test_lag_histogram_percentiles_match_the_sorted_samples() -> None:
    from bench.soak import LagHistogram

    samples = [0.05 * i for i in range(1, 2001)]  # 0.05 ms .. 100 ms
    histogram = LagHistogram()
    for lag in reversed(samples):
        histogram.add(lag)
    for pct in (50, 99):
        exact = samples[int(pct / 100 * len(samples)) - 1]
        assert abs(histogram.percentile(pct) - exact) <= LagHistogram.BUCKET_MS + 1e-9
    assert histogram.max_ms == samples[-1] and histogram.total == len(samples)
    histogram.add(10_000.0)
    assert histogram.percentile(100) == LagHistogram.BUCKETS * LagHistogram.BUCKET_MS
