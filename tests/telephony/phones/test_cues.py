import pytest

from telephony.phones.cues import (
    TRANSCRIPT_PEOPLE,
    Cue,
    CueBook,
    CueKind,
    Step,
    StepKind,
    number_key,
    plan_for,
)


def kinds(plan: list[Step]) -> list[StepKind]:
    return [step.kind for step in plan]


def test_talk_answers_says_hello_listens_then_hangs_up() -> None:
    plan = plan_for(Cue(CueKind.TALK, talk_s=3))
    assert kinds(plan) == [StepKind.ANSWER, StepKind.SAY_HELLO, StepKind.LISTEN, StepKind.HANGUP]
    assert plan[2].seconds == 3


def test_ring_before_answer_comes_first() -> None:
    plan = plan_for(Cue(CueKind.TALK, talk_s=20, ring_s=4))
    assert plan[0] == Step(StepKind.RING, 4)
    assert plan[1].kind is StepKind.ANSWER


def test_busy_only_refuses() -> None:
    assert kinds(plan_for(Cue(CueKind.BUSY))) == [StepKind.DENY]


def test_ring_never_answers() -> None:
    assert plan_for(Cue(CueKind.RING)) == []


def test_silent_answers_and_says_nothing() -> None:
    plan = kinds(plan_for(Cue(CueKind.SILENT, talk_s=30)))
    assert plan == [StepKind.ANSWER, StepKind.LISTEN, StepKind.HANGUP]


def test_machine_plays_a_greeting_not_a_hello() -> None:
    plan = kinds(plan_for(Cue(CueKind.MACHINE)))
    assert StepKind.SAY_GREETING in plan
    assert StepKind.SAY_HELLO not in plan


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError):
        Cue(CueKind.TALK, talk_s=-1)
    with pytest.raises(ValueError):
        Cue(CueKind.TALK, ring_s=-0.5)


@pytest.mark.parametrize(
    "number",
    ["+33611000002", "0611000002", "sip:+33611000002", "611000002"],
)
def test_every_form_of_a_number_finds_the_same_cue(number: str) -> None:
    assert TRANSCRIPT_PEOPLE.cue_for(number).kind is CueKind.BUSY


def test_overseas_numbers_match_on_their_national_significant_number() -> None:
    book = CueBook({"0690123456": Cue(CueKind.RING)})
    assert book.cue_for("+590690123456").kind is CueKind.RING
    assert number_key("+590690123456") == number_key("0690123456")


def test_unknown_numbers_get_the_default() -> None:
    book = CueBook({"0611000002": Cue(CueKind.BUSY)}, default=Cue(CueKind.SILENT))
    assert book.cue_for("+33612345678").kind is CueKind.SILENT
    assert book.cue_for("").kind is CueKind.SILENT


def test_transcript_people_behave_as_the_readme_describes() -> None:
    people = TRANSCRIPT_PEOPLE
    assert people.cue_for("0611000001") == Cue(CueKind.TALK, talk_s=20)
    assert people.cue_for("0611000003").kind is CueKind.RING
    assert people.cue_for("0611000005").talk_s == 3
    assert people.cue_for("0611000006").ring_s == 4
    assert people.cue_for("0611000010").kind is CueKind.MACHINE


def test_a_conversing_person_speaks_again_once_an_agent_can_be_there() -> None:
    steps = [s.kind for s in plan_for(Cue(CueKind.CONVERSE, talk_s=15))]
    assert steps == [
        StepKind.ANSWER, StepKind.SAY_HELLO, StepKind.LISTEN,
        StepKind.SAY_HELLO, StepKind.LISTEN, StepKind.HANGUP,
    ]  # fmt: skip
