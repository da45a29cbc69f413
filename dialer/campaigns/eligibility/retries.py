"""When to try again after a call result or an agent's outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from dialer.campaigns.eligibility.facts import Block, BlockCode
from dialer.campaigns.policies import RetryPolicy

CALLBACK = "callback"


def next_attempt_after(
    reason: str,
    retry_counts: Mapping[str, int],
    policy: RetryPolicy,
    now: datetime,
    callback_at: datetime | None = None,
) -> datetime | None:
    """The naive UTC time of the next attempt, or None when no retry is left.

    `reason` is a call result (busy, no_answer...) or an outcome (callback,
    wrong_person); `retry_counts` holds the retries already scheduled per
    reason, before this one. The n-th retry for a reason waits
    delay_minutes * multiplier ** (n - 1). A callback keeps the time the person
    asked for (never earlier than now); the calling windows are applied later,
    by the eligibility check, so an asked time outside them moves to the next
    window start.
    """
    rule = policy.rule_for(reason)
    retry_number = retry_counts.get(reason, 0) + 1
    if retry_number > rule.max_retries:
        return None
    if reason == CALLBACK and callback_at is not None:
        return max(callback_at, now)
    delay = rule.delay_minutes * rule.multiplier ** (retry_number - 1)
    return now + timedelta(minutes=delay)


def count_retry(reason: str, retry_counts: Mapping[str, int]) -> dict[str, int]:
    """The retry counts to store once a retry for `reason` has been scheduled."""
    updated = dict(retry_counts)
    updated[reason] = updated.get(reason, 0) + 1
    return updated


def retry_gate(next_attempt_at: datetime | None, callback_at: datetime | None) -> datetime | None:
    # Both may be set: the person's asked time is never preceded, and a later
    # retry (say, the callback line was busy) is never skipped.
    times = [t for t in (next_attempt_at, callback_at) if t is not None]
    return max(times) if times else None


def check_retry(
    next_attempt_at: datetime | None, callback_at: datetime | None, now: datetime
) -> Block | None:
    """Blocks until the scheduled retry or the asked callback time."""
    gate = retry_gate(next_attempt_at, callback_at)
    if gate is None or now >= gate:
        return None
    if callback_at is not None and gate == callback_at:
        reason = "Rappel demandé par la personne, à l'heure convenue."
    else:
        reason = "Délai avant la prochaine tentative non écoulé."
    return Block(BlockCode.RETRY_DELAY, reason, gate)
