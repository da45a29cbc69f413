"""Comparing a day with faults to the same day without: what must agree, what may differ."""

from __future__ import annotations

from dataclasses import replace

from proving.day.compare import OutcomeKey, compare, side_by_side
from proving.day.summary import DaySummary

CALM = DaySummary(
    campaigns=3, people=120, people_in_two_campaigns=30, two_territories=4, phone_only=6,
    file_rows=100, rejected_rows=2, imported=98, opted_out_by_fund=3, wave_size=98, calls=80,
    people_reached=50, interviews_accepted=40, interviews_refused=10, offers_accepted=30,
    offers_refused=10, callbacks=4, contact_changes=5, opted_out_on_call=2, abandoned=1,
    abandon_rate=0.02, abandon_target=0.03, occupancy=0.8, people_left=30, why_left="",
    signed_out_refused=2, signed_out_tried=2,
    simulated_hours=8.0, real_seconds=240.0,
)  # fmt: skip
ACCEPTED: OutcomeKey = ("accepted", "accepted", False, False)
REFUSED: OutcomeKey = ("refused", None, False, False)


def test_a_delayed_person_is_counted_apart_and_the_days_agree() -> None:
    faulty = replace(CALM, calls=75, people_reached=49, interviews_accepted=39)
    comparison = compare(CALM, faulty, {1: ACCEPTED, 2: REFUSED}, {2: REFUSED})
    assert comparison.ok
    assert (comparison.reached_in_both, comparison.only_without_faults) == (1, 1)
    assert "Les deux journées concordent" in side_by_side(CALM, faulty, comparison)


def test_a_person_who_said_something_else_breaks_the_comparison() -> None:
    comparison = compare(CALM, CALM, {1: ACCEPTED, 2: REFUSED}, {1: REFUSED, 2: REFUSED})
    assert not comparison.ok and comparison.different_outcomes == [1]
    assert "résultat différent" in side_by_side(CALM, CALM, comparison)


def test_figures_fixed_before_the_first_call_must_be_equal() -> None:
    faulty = replace(CALM, imported=97, wave_size=97, people_in_two_campaigns=29)
    comparison = compare(CALM, faulty, {}, {})
    assert not comparison.ok
    assert comparison.mismatched_figures == ["people_in_two_campaigns", "imported", "wave_size"]
