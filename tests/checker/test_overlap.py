"""Rule 4: never two calls at once to the same person or the same number."""

from __future__ import annotations

from datetime import timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_a_second_call_while_the_first_is_ringing_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, seconds=60)
    day.call(person, MORNING + timedelta(seconds=60), result="busy", seconds=5)  # right after
    assert day.check().ok
    second = day.call(person, MORNING + timedelta(seconds=30), result="no_answer", seconds=10)
    report = day.check()
    assert rules_of(report) == ["simultaneous_dial"]
    assert report.breaches[0].subject == f"personne {person}"
    assert f"dialer-{second}" in report.breaches[0].detail_fr


def test_two_people_sharing_a_number_are_not_called_at_once(day: DayBuilder) -> None:
    phone = "+33612345678"
    day.call(day.person(phone=phone), seconds=120)
    day.call(day.person(), MORNING + timedelta(seconds=10))  # another number: fine
    assert day.check().ok
    day.call(day.person(phone=phone), MORNING + timedelta(seconds=20), result="no_answer")
    report = day.check()
    assert rules_of(report) == ["simultaneous_dial"]
    assert report.breaches[0].subject == f"numéro {phone}"


def test_a_call_the_log_never_ended_overlaps_every_later_one(day: DayBuilder) -> None:
    person = day.person()
    day.call(person, result="no_answer", ended=False)
    assert rules_of(day.check()) == ["unfinished_attempt"]
    day.call(person, MORNING + timedelta(hours=1), result="no_answer")
    assert rules_of(day.check()) == ["simultaneous_dial", "unfinished_attempt"]


def test_calls_in_two_campaigns_to_one_person_overlap(day: DayBuilder) -> None:
    person = day.person()
    other_campaign = day.campaign("ameli_account")
    day.call(person, seconds=120)
    day.call(person, MORNING + timedelta(seconds=30), result="no_answer",
             campaign_id=other_campaign)  # fmt: skip
    report = day.check()
    assert rules_of(report) == ["simultaneous_dial"]
    assert report.breaches[0].subject == f"personne {person}"


def test_two_identities_of_one_insured_person_are_not_called_at_once(day: DayBuilder) -> None:
    first = day.person(nir_lookup="same-nir-hash")
    second = day.person(nir_lookup="same-nir-hash")  # the same person, in another fund's file
    stranger = day.person(nir_lookup="another-nir-hash")
    day.call(first, seconds=120)
    day.call(stranger, MORNING + timedelta(seconds=20), result="no_answer")
    assert day.check().ok
    day.call(second, MORNING + timedelta(seconds=30), result="no_answer")
    report = day.check()
    assert rules_of(report) == ["simultaneous_dial"]
    assert report.breaches[0].subject == f"personnes {first} et {second} (même NIR)"
