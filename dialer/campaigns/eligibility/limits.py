"""How often a person may be solicited: attempts, refusals, reached calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from dialer.campaigns.eligibility.facts import Block, BlockCode
from dialer.campaigns.policies import CallingPolicy

REACHED_WINDOW = timedelta(days=30)


def check_attempts(
    attempts: int, policy: CallingPolicy, *, callback_pending: bool = False
) -> Block | None:
    """Attempts in this campaign reached the policy's maximum.

    A callback the person asked for is honoured even past the maximum: the
    retry rule of "callback" bounds how often that can happen.
    """
    if attempts < policy.max_attempts or callback_pending:
        return None
    return Block(
        BlockCode.ATTEMPTS_EXHAUSTED,
        f"Nombre maximal de tentatives atteint ({attempts} sur {policy.max_attempts}).",
        None,
    )


def refusal_lifts_at(last_refusal_at: datetime | None, policy: CallingPolicy) -> datetime | None:
    if last_refusal_at is None or policy.refusal_cooldown_days == 0:
        return None
    return last_refusal_at + timedelta(days=policy.refusal_cooldown_days)


def check_refusal(
    last_refusal_at: datetime | None, policy: CallingPolicy, now: datetime
) -> Block | None:
    """No new solicitation for refusal_cooldown_days after a refusal, in any campaign."""
    lifts = refusal_lifts_at(last_refusal_at, policy)
    if lifts is None or now >= lifts:
        return None
    return Block(
        BlockCode.REFUSAL_COOLDOWN,
        f"Refus exprimé il y a moins de {policy.refusal_cooldown_days} jours.",
        lifts,
    )


def counted_reached_calls(reached: Iterable[datetime], now: datetime) -> list[datetime]:
    """The reached calls that still count at `now`, oldest first.

    A call at t counts while now < t + 30 days, so any half-open 30-day span
    holds at most max_reached_per_30_days of the calls this rule lets through.
    """
    return sorted(t for t in reached if t > now - REACHED_WINDOW)


def check_reached(
    reached: Iterable[datetime], policy: CallingPolicy, now: datetime
) -> Block | None:
    """At most max_reached_per_30_days calls answered by the person in 30 days."""
    counted = counted_reached_calls(reached, now)
    limit = policy.max_reached_per_30_days
    if len(counted) < limit:
        return None
    # Calling becomes possible when only limit - 1 calls still count.
    lifts = counted[len(counted) - limit] + REACHED_WINDOW
    return Block(
        BlockCode.REACHED_LIMIT,
        f"Déjà joint {len(counted)} fois en 30 jours (maximum {limit}).",
        lifts,
    )
