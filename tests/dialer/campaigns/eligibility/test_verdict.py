"""The combined verdict: rule order, first blocking rule, and next callable time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings

from dialer.campaigns.eligibility import ContactFacts, LiveCall, check_contact, next_callable_at
from dialer.campaigns.eligibility.verdict import RULES, all_blocks
from dialer.campaigns.policies import CallingPolicy
from dialer.contacts.territories import Territory

from .builders import DEFAULT_POLICY, OPEN_NOW, contact_facts, make_facts, policies

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SATURDAY = datetime(2026, 3, 14, 10, 0)


# One fact set per rule, each blocking on its own at OPEN_NOW (or SATURDAY).
ONE_RULE: list[tuple[str, dict[str, Any], datetime | None]] = [
    ("opted_out", {"opted_out": True}, None),
    ("limited", {"limited": True}, None),
    ("done", {"done": True, "done_reason": "interview_refused"}, None),
    ("expired", {"expiry": date(2026, 3, 9)}, None),
    ("attempts_exhausted", {"attempts": 8}, None),
    ("live_call", {"live_call": LiveCall("GRIPPE-75")}, None),
    ("refusal_cooldown", {"last_refusal_at": OPEN_NOW - 10 * DAY}, OPEN_NOW + 50 * DAY),
    ("reached_limit", {"reached_calls_30d": (OPEN_NOW - DAY,) * 4}, OPEN_NOW + 29 * DAY),
    ("retry_delay", {"next_attempt_at": SATURDAY + timedelta(hours=2)}, SATURDAY + 2 * HOUR),
]


@pytest.mark.parametrize(("code", "changes", "until"), ONE_RULE)
def test_each_rule_blocks_on_its_own(
    code: str, changes: dict[str, Any], until: datetime | None
) -> None:
    assert check_contact(make_facts(), DEFAULT_POLICY, OPEN_NOW) is None
    block = check_contact(make_facts(**changes), DEFAULT_POLICY, OPEN_NOW)
    assert block is not None
    assert block.code == code
    assert block.reason_fr
    assert block.until == until


def test_outside_window_blocks_on_its_own() -> None:
    block = check_contact(make_facts(), DEFAULT_POLICY, SATURDAY)
    assert block is not None
    assert block.code == "outside_window"
    assert block.until == datetime(2026, 3, 16, 9, 0)  # Monday 10:00 Paris


def test_done_reason_is_told_in_french() -> None:
    block = check_contact(
        make_facts(done=True, done_reason="wrong_person"), DEFAULT_POLICY, OPEN_NOW
    )
    assert block is not None
    assert "n'est pas celui de la personne" in block.reason_fr


def test_the_first_blocking_rule_wins_in_the_fixed_order() -> None:
    everything: dict[str, Any] = {}
    for _code, changes, _until in ONE_RULE:
        everything.update(changes)
    facts = make_facts(**everything)
    expected = [code for code, _changes, _until in ONE_RULE] + ["outside_window"]
    assert [b.code for b in all_blocks(facts, DEFAULT_POLICY, SATURDAY)] == expected
    # Remove the rules one by one, from the first: the next one takes over.
    for position, (code, changes, _until) in enumerate(ONE_RULE):
        block = check_contact(facts, DEFAULT_POLICY, SATURDAY)
        assert block is not None
        assert block.code == code
        neutral = {key: getattr(make_facts(), key) for key in changes}
        facts = replace(facts, **neutral)
        assert [c for c, _r in RULES][position] == code
    block = check_contact(facts, DEFAULT_POLICY, SATURDAY)
    assert block is not None
    assert block.code == "outside_window"


def test_a_live_call_elsewhere_names_its_campaign_in_french() -> None:
    elsewhere = make_facts(live_call=LiveCall("GRIPPE-75"))
    block = check_contact(elsewhere, DEFAULT_POLICY, OPEN_NOW)
    assert block is not None
    assert block.reason_fr == "Appel en cours dans une autre campagne (GRIPPE-75)."
    here = make_facts(live_call=LiveCall("GRIPPE-75", same_campaign=True))
    block = check_contact(here, DEFAULT_POLICY, OPEN_NOW)
    assert block is not None and block.code == "live_call"
    assert "autre campagne" not in block.reason_fr
    assert "GRIPPE-75" in block.reason_fr


def test_callback_inside_the_window_is_placed_at_the_asked_time() -> None:
    asked = datetime(2026, 3, 11, 16, 30)  # Wednesday 17:30 Paris
    facts = make_facts(callback_at=asked, next_attempt_at=asked, attempts=3)
    assert next_callable_at(facts, DEFAULT_POLICY, OPEN_NOW) == asked


def test_callback_outside_the_window_moves_to_the_next_window_start() -> None:
    asked = datetime(2026, 3, 11, 11, 30)  # Wednesday 12:30 Paris, inside the morning window
    assert next_callable_at(make_facts(callback_at=asked), DEFAULT_POLICY, OPEN_NOW) == asked
    asked = datetime(2026, 3, 11, 12, 15)  # 13:15 Paris, during the lunch break
    facts = make_facts(callback_at=asked)
    assert next_callable_at(facts, DEFAULT_POLICY, OPEN_NOW) == datetime(2026, 3, 11, 13, 0)


def test_callback_is_honoured_past_the_attempt_limit() -> None:
    exhausted = make_facts(attempts=8)
    assert next_callable_at(exhausted, DEFAULT_POLICY, OPEN_NOW) is None
    asked = OPEN_NOW + timedelta(hours=1)
    with_callback = replace(exhausted, callback_at=asked)
    assert next_callable_at(with_callback, DEFAULT_POLICY, OPEN_NOW) == asked
    # ... but not past an opt-out.
    assert (
        next_callable_at(replace(with_callback, opted_out=True), DEFAULT_POLICY, OPEN_NOW) is None
    )


def test_next_callable_chains_lift_times() -> None:
    # Cooldown ends Saturday 9 May 2026 at 10:00 UTC; Friday 8 May is Victory Day anyway;
    # the weekend follows, so Monday 11 May, 10:00 Paris (08:00 UTC).
    refusal = datetime(2026, 5, 9, 10, 0) - 60 * DAY
    facts = make_facts(last_refusal_at=refusal)
    assert next_callable_at(facts, DEFAULT_POLICY, OPEN_NOW) == datetime(2026, 5, 11, 8, 0)


def test_next_callable_now_when_nothing_blocks() -> None:
    assert next_callable_at(make_facts(), DEFAULT_POLICY, OPEN_NOW) == OPEN_NOW


@settings(max_examples=100, deadline=None)
@given(facts=contact_facts(around=OPEN_NOW), policy=policies())
def test_opted_out_or_limited_is_never_callable(facts: ContactFacts, policy: CallingPolicy) -> None:
    for blocked in (replace(facts, opted_out=True), replace(facts, limited=True)):
        block = check_contact(blocked, policy, OPEN_NOW)
        assert block is not None
        assert block.code in ("opted_out", "limited")
        assert block.until is None
        assert next_callable_at(blocked, policy, OPEN_NOW) is None


@settings(max_examples=100, deadline=None)
@given(facts=contact_facts(around=OPEN_NOW), policy=policies())
def test_next_callable_at_is_a_callable_time(facts: ContactFacts, policy: CallingPolicy) -> None:
    facts = replace(facts, opted_out=False, limited=False, done=False)
    found = next_callable_at(facts, policy, OPEN_NOW)
    if found is None:
        block = check_contact(facts, policy, OPEN_NOW)
        assert block is not None
        return
    assert found >= OPEN_NOW
    assert check_contact(facts, policy, found) is None


@settings(max_examples=60, deadline=None)
@given(facts=contact_facts(around=OPEN_NOW))
def test_time_based_facts_alone_always_lift_under_the_default_policy(facts: ContactFacts) -> None:
    facts = replace(facts, opted_out=False, limited=False, done=False, expiry=None, attempts=0)
    found = next_callable_at(facts, DEFAULT_POLICY, OPEN_NOW)
    assert found is not None
    assert check_contact(facts, DEFAULT_POLICY, found) is None


@pytest.mark.parametrize("territory", list(Territory))
def test_every_territory_is_callable_on_an_ordinary_tuesday(territory: Territory) -> None:
    facts = make_facts(territory)
    found = next_callable_at(facts, DEFAULT_POLICY, datetime(2026, 3, 10, 0, 0))
    assert found is not None
    assert found.date() in (date(2026, 3, 10), date(2026, 3, 11))
