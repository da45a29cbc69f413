"""Rule 3: at most 4 reached calls in 30 days across campaigns; 60 days of quiet after a refusal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from tests.checker.builder import MORNING, DayBuilder, rules_of

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def test_a_fifth_reached_call_within_30_days_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    other = day.campaign("child_dental")
    day.call(person, MORNING - DAY * 29, result="no_answer")  # not reached: does not count
    day.call(person, MORNING - DAY * 22)
    day.call(person, MORNING - DAY * 15, campaign_id=other, pop_fields=["first_name"])
    day.call(person, MORNING - DAY * 8, result="abandoned")
    day.call(person, MORNING)
    assert day.check().ok
    day.call(person, MORNING + timedelta(days=1), result="abandoned")
    report = day.check()
    assert rules_of(report) == ["contact_limits"]
    assert report.breaches[0].subject == f"personne {person}"
    assert "5 appels aboutis" in report.breaches[0].detail_fr


def test_answered_calls_cut_by_an_outage_count_as_reached(day: DayBuilder) -> None:
    person = day.person()
    outage = "ended_while_disconnected"
    for days_before in (22, 15, 8):
        day.call(person, MORNING - DAY * days_before, result=outage, answered=True)
    day.call(person, MORNING - DAY * 1, result=outage, answered=False)  # cut while ringing
    day.call(person, MORNING)
    assert day.check().ok
    day.call(person, MORNING + DAY, result=outage, answered=True)
    report = day.check()
    assert rules_of(report) == ["contact_limits"]
    assert "5 appels aboutis" in report.breaches[0].detail_fr


def test_five_reached_calls_over_more_than_30_days_are_fine(day: DayBuilder) -> None:
    person = day.person()
    for days_before in (35, 27, 20, 13, 0):  # working days, the first and last 35 days apart
        day.call(person, MORNING - DAY * days_before)
    assert day.check().ok


def test_a_call_within_60_days_after_a_refusal_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, MORNING - 9 * WEEK, outcome={"offer": "refused"})  # 63 days before
    day.call(person)
    assert day.check().ok
    day.call(person, MORNING + timedelta(days=1), outcome={"interview": "refused"})
    day.call(person, MORNING + timedelta(days=2))
    report = day.check()
    assert rules_of(report) == ["contact_limits"]
    assert "moins de 60 jours après le refus du 19/11/2026" in report.breaches[0].detail_fr


def test_a_refusal_said_during_the_call_itself_does_not_count(day: DayBuilder) -> None:
    # The desk's clock may lag the PBX's: the outcome looks older than its own call.
    person = day.person()
    day.call(person, outcome={"interview": "refused"}, seconds=60)
    with day.engine.begin() as conn:
        conn.execute(text("UPDATE outcome SET created_at = :at"), {"at": MORNING - DAY})
    assert day.check().ok
    day.call(person, MORNING + DAY)
    assert rules_of(day.check()) == ["contact_limits"]


def test_reached_calls_under_two_identities_of_one_person_add_up(day: DayBuilder) -> None:
    first = day.person(nir_lookup="same-nir-hash")
    second = day.person(nir_lookup="same-nir-hash")  # the same person in another fund's file
    day.call(first, MORNING - DAY * 22)
    day.call(second, MORNING - DAY * 15)
    day.call(first, MORNING - DAY * 8)
    day.call(second, MORNING)
    assert day.check().ok
    day.call(first, MORNING + DAY)
    report = day.check()
    assert rules_of(report) == ["contact_limits"]
    assert report.breaches[0].subject == f"personnes {first} et {second} (même NIR)"


def test_a_refusal_under_one_identity_protects_the_other(day: DayBuilder) -> None:
    first = day.person(nir_lookup="same-nir-hash")
    second = day.person(nir_lookup="same-nir-hash")
    stranger = day.person(nir_lookup="another-nir-hash")
    day.call(first, MORNING - DAY * 9, outcome={"interview": "refused"})  # a Monday
    day.call(stranger)
    assert day.check().ok
    attempt = day.call(second)
    report = day.check()
    assert rules_of(report) == ["contact_limits"]
    assert report.breaches[0].subject == f"tentative {attempt}"
