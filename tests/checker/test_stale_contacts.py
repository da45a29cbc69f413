"""Rule 10: at the end of the day no contact is left in progress without a holder."""

from __future__ import annotations

from datetime import timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_a_contact_in_progress_whose_lease_lapsed_is_a_breach(day: DayBuilder) -> None:
    day.call(day.person(), result="no_answer")
    held = day.person()
    day.contact_state(held, "in_progress", lease_expires_at=MORNING + timedelta(hours=2))
    assert day.check().ok  # a live lease: a worker holds the person
    stale = day.person()
    contact = day.contact_state(stale, "in_progress", lease_expires_at=MORNING)
    report = day.check()
    assert rules_of(report) == ["stale_contact"]
    assert report.breaches[0].subject == f"contact {contact}"
    assert "sans bail" in report.breaches[0].detail_fr


def test_a_contact_in_progress_without_lease_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, result="no_answer")
    day.contact_state(person, "in_progress")
    assert rules_of(day.check()) == ["stale_contact"]


def test_the_agent_writing_the_outcome_holds_the_contact(day: DayBuilder) -> None:
    person = day.person()
    attempt = day.call(person, agent=day.agent(), result="failed", logged=False)
    day.contact_state(person, "in_progress")  # bridged, the outcome not yet written
    assert day.check().ok
    day.outcome(attempt, MORNING + timedelta(minutes=5), interview="accepted")
    assert rules_of(day.check()) == ["stale_contact"]  # written, yet never released


def test_a_person_left_locked_by_a_finished_call_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    done = day.call(person, result="no_answer")
    day.lock(done, f"p:{person}", MORNING)  # lapsed before the day's end: harmless
    assert day.check().ok
    other = day.person()
    talked = day.call(other, MORNING + timedelta(minutes=10))  # answered, outcome written
    day.lock(talked, f"p:{other}", MORNING + timedelta(days=365))
    report = day.check()
    assert rules_of(report) == ["stale_contact"]
    assert report.breaches[0].subject == f"personne {other}"
    assert "verrou" in report.breaches[0].detail_fr


def test_an_agent_left_held_for_no_call_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    talked = day.call(person, MORNING + timedelta(hours=1), agent=day.agent())
    busy = day.agent("agent2")
    day.held_agent(busy, MORNING + timedelta(hours=1), attempt_id=talked)
    assert day.check().ok  # held for a call: the call frees the agent
    stuck = day.agent("agent3")
    # A worker killed between holding agents and claiming their people.
    day.held_agent(stuck, MORNING)
    report = day.check()
    assert rules_of(report) == ["stale_contact"]
    assert report.breaches[0].subject == f"agent {stuck}"
    assert "réservé" in report.breaches[0].detail_fr


def test_a_talk_awaiting_its_outcome_holds_the_person_for_a_bounded_time(
    day: DayBuilder,
) -> None:
    person = day.person()
    # Bridged, ended at MORNING + 180 s, the outcome not yet written.
    awaited = day.call(person, result="failed", agent=day.agent(), logged=False)
    day.lock(awaited, f"p:{person}", MORNING + timedelta(seconds=180, minutes=10))
    assert day.check().ok
    other = day.person()
    forever = day.call(other, result="failed", agent=day.agent("agent2"), logged=False)
    day.lock(forever, f"p:{other}", MORNING + timedelta(days=365))
    report = day.check()
    assert rules_of(report) == ["stale_contact"]
    assert report.breaches[0].subject == f"personne {other}"
