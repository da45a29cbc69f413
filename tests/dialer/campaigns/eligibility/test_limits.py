"""Attempts, the refusal cooldown and the 4-reached-calls-in-30-days rule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.campaigns.eligibility.limits import check_attempts, check_reached, check_refusal
from dialer.campaigns.policies import CallingPolicy

NOW = datetime(2026, 3, 10, 10, 0)
POLICY = CallingPolicy()
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("attempts", "callback", "blocked"),
    [(0, False, False), (7, False, False), (8, False, True), (9, False, True), (8, True, False)],
)
def test_attempts(attempts: int, callback: bool, blocked: bool) -> None:
    block = check_attempts(attempts, POLICY, callback_pending=callback)
    assert (block is not None) is blocked
    if block is not None:
        assert block.code == "attempts_exhausted"
        assert block.until is None
        assert "8" in block.reason_fr


@pytest.mark.parametrize(
    ("refused_days_ago", "cooldown", "until_days"),
    [
        (None, 60, None),
        (10, 60, 50),
        (59.99, 60, 0.01),
        (60, 60, None),  # the 60th day lifts it
        (200, 60, None),
        (1, 0, None),  # no cooldown configured
        (10, 90, 80),
    ],
)
def test_refusal_cooldown(
    refused_days_ago: float | None, cooldown: int, until_days: float | None
) -> None:
    policy = CallingPolicy(refusal_cooldown_days=cooldown)
    refused = None if refused_days_ago is None else NOW - refused_days_ago * DAY
    block = check_refusal(refused, policy, NOW)
    if until_days is None:
        assert block is None
    else:
        assert block is not None
        assert block.code == "refusal_cooldown"
        assert block.until == NOW + until_days * DAY
        assert str(cooldown) in block.reason_fr


def test_reached_limit_counts_the_last_30_days_only() -> None:
    three_recent = (NOW - 2 * DAY, NOW - 5 * DAY, NOW - 29 * DAY)
    assert check_reached(three_recent, POLICY, NOW) is None
    # A fourth call exactly 30 days ago no longer counts.
    assert check_reached((*three_recent, NOW - 30 * DAY), POLICY, NOW) is None
    block = check_reached((*three_recent, NOW - 20 * DAY), POLICY, NOW)
    assert block is not None
    assert block.code == "reached_limit"
    # The oldest counted call (29 days ago) leaves the window in one day.
    assert block.until == NOW + DAY


def test_reached_limit_with_more_calls_than_the_limit_waits_for_enough_to_expire() -> None:
    calls = tuple(NOW - d * DAY for d in (1, 2, 3, 10, 25, 28))
    block = check_reached(calls, POLICY, NOW)
    assert block is not None
    # Six count; calling resumes when only three do: after the 10-days-ago call expires.
    assert block.until == NOW + 20 * DAY
    assert check_reached(calls, POLICY, block.until) is None
    assert check_reached(calls, POLICY, block.until - timedelta(seconds=1)) is not None


def test_reached_limit_is_configurable() -> None:
    calls = (NOW - DAY,)
    assert check_reached(calls, CallingPolicy(max_reached_per_30_days=1), NOW) is not None
    assert check_reached(calls, CallingPolicy(max_reached_per_30_days=2), NOW) is None


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=20 * 24 * 60), min_size=1, max_size=30),
    limit=st.integers(min_value=1, max_value=6),
)
def test_never_more_than_the_limit_within_any_30_days(gaps: list[int], limit: int) -> None:
    """Place a call at each candidate time the rule allows; count any 30-day span."""
    policy = CallingPolicy(max_reached_per_30_days=limit)
    reached: list[datetime] = []
    moment = NOW
    for gap in gaps:
        moment += timedelta(minutes=gap)
        if check_reached(reached, policy, moment) is None:
            reached.append(moment)
    for i, first in enumerate(reached):
        within = [t for t in reached[i:] if t - first < timedelta(days=30)]
        assert len(within) <= limit
