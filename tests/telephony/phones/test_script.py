"""The plan player against an in-memory call that behaves like pyVoIP's.

A pyVoIP call refuses answer() unless ringing and hangup() unless answered,
and goes to ENDED on its own when the PBX sends BYE: the double below does the
same, so these tests check how plans react to the far end, not a transcript.
"""

import threading

import pytest

from telephony.phones.cues import Cue, CueKind, Step, StepKind, plan_for
from telephony.phones.script import outcome, play
from telephony.phones.sip import LineCallState


class LineDouble:
    def __init__(self) -> None:
        self._state = LineCallState.RINGING
        self.actions: list[str] = []
        self.audio = b""
        self.peak = 0  # what the far end sends, as heard_peak reports it

    @property
    def state(self) -> LineCallState:
        return self._state

    def answer(self) -> None:
        if self._state is not LineCallState.RINGING:
            raise RuntimeError("Call is not ringing")
        self._state = LineCallState.ANSWERED
        self.actions.append("answer")

    def deny(self) -> None:
        if self._state is not LineCallState.RINGING:
            raise RuntimeError("Call is not ringing")
        self._state = LineCallState.ENDED
        self.actions.append("deny")

    def hangup(self) -> bool:
        if self._state is not LineCallState.ANSWERED:
            return False
        self._state = LineCallState.ENDED
        self.actions.append("bye")
        return True

    def send_audio(self, pcm: bytes) -> None:
        self.audio += pcm

    def heard_peak(self) -> int:
        return self.peak

    def far_end_hangs_up_after(self, seconds: float) -> None:
        def bye() -> None:
            self._state = LineCallState.ENDED

        threading.Timer(seconds, bye).start()


def test_talk_answers_speaks_and_hangs_up_itself() -> None:
    call = LineDouble()
    result = play(call, plan_for(Cue(CueKind.TALK, talk_s=0.1)), threading.Event())
    assert call.actions == ["answer", "bye"]
    assert len(call.audio) == 4000  # the half-second hello
    assert result.answered and result.hung_up_by_us and not result.far_end_hung_up
    assert outcome(result) == "answered"


def test_far_end_hangup_ends_the_call_without_our_bye() -> None:
    call = LineDouble()
    call.far_end_hangs_up_after(0.1)
    result = play(call, plan_for(Cue(CueKind.SILENT, talk_s=10)), threading.Event())
    assert call.actions == ["answer"]
    assert result.far_end_hung_up and not result.hung_up_by_us


def test_busy_refuses_and_never_answers() -> None:
    call = LineDouble()
    result = play(call, plan_for(Cue(CueKind.BUSY)), threading.Event())
    assert call.actions == ["deny"]
    assert outcome(result) == "refused"


def test_ring_leaves_the_call_ringing() -> None:
    call = LineDouble()
    result = play(call, plan_for(Cue(CueKind.RING)), threading.Event())
    assert call.actions == [] and call.state is LineCallState.RINGING
    assert outcome(result) == "ignored"


def test_caller_giving_up_while_we_ring_stops_the_plan() -> None:
    call = LineDouble()
    call.far_end_hangs_up_after(0.05)
    result = play(call, plan_for(Cue(CueKind.TALK, ring_s=5)), threading.Event())
    assert call.actions == []
    assert not result.answered


def test_stop_interrupts_a_long_call_at_once() -> None:
    call, stop = LineDouble(), threading.Event()
    threading.Timer(0.05, stop.set).start()
    result = play(call, [Step(StepKind.ANSWER), Step(StepKind.LISTEN, 60)], stop)
    assert result.answered and not result.far_end_hung_up
    assert call.state is LineCallState.ANSWERED  # SipLine.stop hangs up what is left


def test_on_answered_runs_once_at_the_answer() -> None:
    call, seen = LineDouble(), []
    plan = plan_for(Cue(CueKind.TALK, talk_s=0))
    play(call, plan, threading.Event(), on_answered=lambda: seen.append(call.state))
    assert seen == [LineCallState.ANSWERED]


@pytest.mark.parametrize("kind", [CueKind.TALK, CueKind.SILENT, CueKind.MACHINE])
def test_answering_cues_never_send_bye_after_the_far_end_left(kind: CueKind) -> None:
    call = LineDouble()
    call.far_end_hangs_up_after(0.05)
    play(call, plan_for(Cue(kind, talk_s=5)), threading.Event())
    assert "bye" not in call.actions


def test_listening_tells_whether_the_far_end_was_heard() -> None:
    quiet, loud = LineDouble(), LineDouble()
    loud.peak = 90
    stop = threading.Event()
    plan = [Step(StepKind.LISTEN, 5.0)]
    heard = []
    for call in (quiet, loud):
        call.answer()
        call.far_end_hangs_up_after(0.2)
        heard.append(play(call, plan, stop).heard_sound)
    assert heard == [False, True]
