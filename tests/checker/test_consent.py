"""Rule 2: no call after an opt-out, nor while the person's processing is limited."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from consent.models import ConsentEntry
from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_a_call_after_the_latest_decision_is_an_opt_out_is_a_breach(day: DayBuilder) -> None:
    person = day.person()
    day.consent(person, "opt_out", MORNING - timedelta(days=20))
    day.consent(person, "opt_in", MORNING - timedelta(days=10))
    day.call(person)
    assert day.check().ok
    day.consent(person, "opt_out", MORNING + timedelta(hours=1))
    attempt = day.call(person, MORNING + timedelta(hours=4))
    report = day.check()
    assert rules_of(report) == ["consent"]
    assert report.breaches[0].subject == f"tentative {attempt}"
    assert "opposée aux appels sortants" in report.breaches[0].detail_fr


def test_an_opt_out_recorded_after_the_call_does_not_count(day: DayBuilder) -> None:
    person = day.person()
    day.call(person)
    day.consent(person, "opt_out", MORNING + timedelta(minutes=5))
    assert day.check().ok


def test_a_limitation_set_before_the_call_is_a_breach(day: DayBuilder) -> None:
    person = day.person(limited=True)
    day.rights_trail(person, MORNING + timedelta(hours=1), "limitation : demande écrite")
    day.call(person)  # before the limitation
    assert day.check().ok
    day.call(person, MORNING + timedelta(hours=4))
    report = day.check()
    assert rules_of(report) == ["consent"]
    assert "limitation" in report.breaches[0].detail_fr


def test_a_lifted_limitation_allows_calls_again(day: DayBuilder) -> None:
    person = day.person(limited=False)
    day.rights_trail(person, MORNING - timedelta(days=3), "limitation : demande écrite")
    day.rights_trail(person, MORNING - timedelta(days=1), "levée de la limitation : accord")
    day.call(person)
    assert day.check().ok
    day.call(person, MORNING - timedelta(days=2))
    assert rules_of(day.check()) == ["consent"]


def test_a_limitation_of_unknown_start_holds_against_every_call(day: DayBuilder) -> None:
    day.call(day.person())
    assert day.check().ok
    day.call(day.person(limited=True))
    assert rules_of(day.check()) == ["consent"]


def test_an_opt_out_said_during_the_call_itself_does_not_count(day: DayBuilder) -> None:
    # The desk's clock may stand still during the call: the decision is stamped with
    # the dial's own moment, and references the call it was taken in.
    person = day.person()
    attempt = day.call(person)
    with Session(day.engine) as session:
        session.add(ConsentEntry(person_id=person, channel="call", decision="opt_out",
                                 source="call_outcome", author="agent1",
                                 reference=f"appel {attempt}", at=MORNING))  # fmt: skip
        session.commit()
    assert day.check().ok
    day.call(person, MORNING + timedelta(hours=4))
    assert rules_of(day.check()) == ["consent"]
