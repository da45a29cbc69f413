"""Retry rules: backoff per reason, maximum retries, callbacks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialer.campaigns.eligibility import count_retry, next_attempt_after
from dialer.campaigns.eligibility.retries import check_retry
from dialer.campaigns.policies import RetryPolicy, RetryRule

NOW = datetime(2026, 3, 10, 10, 0)
POLICY = RetryPolicy()


@pytest.mark.parametrize(
    ("reason", "done_before", "minutes"),
    [
        ("busy", 0, 20),
        ("busy", 2, 20),
        ("busy", 3, None),  # three retries allowed, all used
        ("no_answer", 0, 120),
        ("no_answer", 1, 180),  # 120 * 1.5
        ("no_answer", 3, 405),  # 120 * 1.5 ** 3
        ("no_answer", 4, None),
        ("congestion", 2, 60),  # 15 * 2 ** 2
        ("machine", 1, 240),
        ("invalid_number", 0, None),
        ("wrong_person", 0, None),
        ("answered", 0, None),  # not a retry reason at all
        ("unheard_of", 0, None),
    ],
)
def test_backoff(reason: str, done_before: int, minutes: float | None) -> None:
    found = next_attempt_after(reason, {reason: done_before}, POLICY, NOW)
    expected = None if minutes is None else NOW + timedelta(minutes=minutes)
    assert found == expected


def test_counts_of_other_reasons_do_not_interfere() -> None:
    counts = {"busy": 3, "no_answer": 0}
    assert next_attempt_after("no_answer", counts, POLICY, NOW) == NOW + timedelta(hours=2)
    assert next_attempt_after("busy", counts, POLICY, NOW) is None


def test_custom_rule() -> None:
    policy = RetryPolicy(rules={"busy": RetryRule(max_retries=5, delay_minutes=10, multiplier=3)})
    assert next_attempt_after("busy", {"busy": 2}, policy, NOW) == NOW + timedelta(minutes=90)


def test_callback_keeps_the_asked_time_and_is_bounded() -> None:
    asked = NOW + timedelta(days=2, hours=3)
    assert next_attempt_after("callback", {}, POLICY, NOW, callback_at=asked) == asked
    # An asked time already past means "as soon as possible", never in the past.
    assert next_attempt_after("callback", {}, POLICY, NOW, NOW - timedelta(hours=1)) == NOW
    assert next_attempt_after("callback", {"callback": 3}, POLICY, NOW, asked) is None
    # Without a time, the rule's own delay applies.
    assert next_attempt_after("callback", {}, POLICY, NOW) == NOW


def test_count_retry_returns_a_new_mapping() -> None:
    counts = {"busy": 1}
    assert count_retry("busy", counts) == {"busy": 2}
    assert count_retry("no_answer", counts) == {"busy": 1, "no_answer": 1}
    assert counts == {"busy": 1}


def test_retry_gate_waits_for_the_later_of_retry_and_callback() -> None:
    later = NOW + timedelta(hours=5)
    sooner = NOW + timedelta(hours=1)
    block = check_retry(sooner, later, NOW)
    assert block is not None
    assert (block.code, block.until) == ("retry_delay", later)
    assert "Rappel" in block.reason_fr
    block = check_retry(later, sooner, NOW)
    assert block is not None
    assert block.until == later
    assert "Rappel" not in block.reason_fr
    assert check_retry(NOW, None, NOW) is None
    assert check_retry(None, None, NOW) is None
