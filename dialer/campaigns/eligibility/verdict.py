"""All the per-contact rules, in a fixed order: the first one that blocks wins.

The order puts the rules that never lift first (opt-out, limitation, finished,
expired, attempts), so a person who will never be called again is reported as
such rather than as "outside the calling hours".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dialer.campaigns.eligibility.expiry import check_expiry
from dialer.campaigns.eligibility.facts import Block, BlockCode, ContactFacts
from dialer.campaigns.eligibility.limits import check_attempts, check_reached, check_refusal
from dialer.campaigns.eligibility.retries import check_retry
from dialer.campaigns.eligibility.windows import (
    holiday_name,
    in_every_window,
    is_blocking_holiday,
    next_common_window_start,
    to_local,
)
from dialer.campaigns.policies import CallingPolicy
from dialer.contacts.territories import TERRITORIES
from dialer.wording import Kind, label

Rule = Callable[[ContactFacts, CallingPolicy, datetime], Block | None]

# Each jump moves to a later lift time and the time-based rules cannot re-block
# once lifted, so a handful of rounds always suffices; the bound is a safeguard.
_MAX_ROUNDS = 16


def _opted_out(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    if not facts.opted_out:
        return None
    return Block(BlockCode.OPTED_OUT, "La personne a refusé les appels sortants.", None)


def _limited(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    if not facts.limited:
        return None
    return Block(BlockCode.LIMITED, "Traitement limité à la demande de la personne.", None)


def _done(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    if not facts.done:
        return None
    detail = label(Kind.DONE_EXPLANATION, facts.done_reason) if facts.done_reason else ""
    suffix = f" : {detail}" if detail else ""
    return Block(BlockCode.DONE, f"Contact terminé dans cette campagne{suffix}.", None)


def _expired(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    return check_expiry(facts.expiry, to_local(now, facts.time_zone).date())


def _attempts(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    return check_attempts(facts.attempts, policy, callback_pending=facts.callback_at is not None)


def _live_call(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    # No lift time: the call ends when it ends, and the next claim sees it then.
    live = facts.live_call
    if live is None:
        return None
    if live.same_campaign:
        reason = f"Appel en cours vers cette personne ou ce numéro ({live.campaign_code})."
    else:
        reason = f"Appel en cours dans une autre campagne ({live.campaign_code})."
    return Block(BlockCode.LIVE_CALL, reason, None)


def _refusal(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    return check_refusal(facts.last_refusal_at, policy, now)


def _reached(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    return check_reached(facts.reached_calls_30d, policy, now)


def _retry(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    return check_retry(facts.next_attempt_at, facts.callback_at, now)


def _holiday(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    clocks = facts.clocks
    for index, (territory, zone) in enumerate(clocks):
        local_day = to_local(now, zone).date()
        if not is_blocking_holiday(local_day, policy, territory):
            continue
        name = holiday_name(local_day, territory)
        where = (
            "le territoire de la personne"
            if index == 0
            else f"le territoire du numéro appelé, {TERRITORIES[territory].label}"
        )
        until = next_common_window_start(now, policy, clocks)
        return Block(BlockCode.HOLIDAY, f"Jour férié dans {where} ({name}).", until)
    return None


def _window(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    clocks = facts.clocks
    if in_every_window(now, policy, clocks):
        return None
    until = next_common_window_start(now, policy, clocks)
    where = "heure locale" if len(clocks) == 1 else "heure locale de l'adresse et du numéro"
    return Block(
        BlockCode.OUTSIDE_WINDOW, f"En dehors des jours et heures d'appel ({where}).", until
    )


RULES: tuple[tuple[BlockCode, Rule], ...] = (
    (BlockCode.OPTED_OUT, _opted_out),
    (BlockCode.LIMITED, _limited),
    (BlockCode.DONE, _done),
    (BlockCode.EXPIRED, _expired),
    (BlockCode.ATTEMPTS_EXHAUSTED, _attempts),
    (BlockCode.LIVE_CALL, _live_call),
    (BlockCode.REFUSAL_COOLDOWN, _refusal),
    (BlockCode.REACHED_LIMIT, _reached),
    (BlockCode.RETRY_DELAY, _retry),
    (BlockCode.HOLIDAY, _holiday),
    (BlockCode.OUTSIDE_WINDOW, _window),
)


def check_contact(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> Block | None:
    """The first rule that forbids calling this contact at `now` (naive UTC), or None."""
    for _code, rule in RULES:
        block = rule(facts, policy, now)
        if block is not None:
            return block
    return None


def all_blocks(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> list[Block]:
    """Every rule that blocks at `now`, in evaluation order (for explanations)."""
    return [b for _code, rule in RULES if (b := rule(facts, policy, now)) is not None]


def next_callable_at(facts: ContactFacts, policy: CallingPolicy, now: datetime) -> datetime | None:
    """The earliest naive UTC time >= now at which check_contact passes, None if never.

    Jumps to the latest lift time of all blocking rules and checks again, since
    lifting them may land inside another rule (a cooldown ending on a Sunday).
    """
    moment = now
    for _ in range(_MAX_ROUNDS):
        blocks = all_blocks(facts, policy, moment)
        if not blocks:
            return moment
        lifts = [b.until for b in blocks]
        if any(t is None or t <= moment for t in lifts):
            return None
        moment = max(t for t in lifts if t is not None)
    return None
