"""Plays a cue's plan against one call, honouring the far end and a stop signal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from telephony.phones import audio
from telephony.phones.cues import Step, StepKind
from telephony.phones.sip import LineCallState

# How often a waiting step looks at the call: short enough that a BYE from
# the PBX ends the wait within a packet or two.
POLL_S = 0.05
# Louder than line noise, well under the tones audio.py plays (peaks near 100).
HEARD_THRESHOLD = 20


class CallControl(Protocol):
    """What a plan needs from a call (``telephony.phones.sip.SipCall``)."""

    @property
    def state(self) -> LineCallState: ...

    def answer(self) -> None: ...

    def deny(self) -> None: ...

    def hangup(self) -> bool: ...

    def send_audio(self, pcm: bytes) -> None: ...

    def heard_peak(self) -> int: ...


@dataclass
class PlayResult:
    answered: bool = False
    refused: bool = False
    hung_up_by_us: bool = False
    far_end_hung_up: bool = False
    interrupted: bool = False
    # The far end's voice reached us while we listened (the bridge carries audio).
    heard_sound: bool = False


def wait_while(
    call: CallControl, state: LineCallState, seconds: float, stop: threading.Event
) -> bool:
    """Wait up to ``seconds`` while the call stays in ``state``.

    True when the time ran out with the call unchanged; False when the call
    left the state or ``stop`` was set.
    """
    remaining = seconds
    while remaining > 0:
        if call.state is not state or stop.is_set():
            return False
        stop.wait(min(POLL_S, remaining))
        remaining -= POLL_S
    return call.state is state and not stop.is_set()


def listen(call: CallControl, seconds: float, stop: threading.Event) -> bool:
    """Wait like ``wait_while`` on an answered call; whether sound came from the far end."""
    heard = False
    remaining = seconds
    while remaining > 0 and call.state is LineCallState.ANSWERED and not stop.is_set():
        heard = heard or call.heard_peak() > HEARD_THRESHOLD
        stop.wait(min(POLL_S, remaining))
        remaining -= POLL_S
    return heard


def play(
    call: CallControl,
    plan: Sequence[Step],
    stop: threading.Event,
    on_answered: Callable[[], None] = lambda: None,
) -> PlayResult:
    result = PlayResult()
    for step in plan:
        if stop.is_set():
            result.interrupted = True
            break
        go_on = _run(call, step, stop, result)
        if step.kind is StepKind.ANSWER:
            on_answered()
        if not go_on:
            break
    if result.answered and not result.hung_up_by_us:
        result.far_end_hung_up = call.state is LineCallState.ENDED and not stop.is_set()
    return result


def _say(call: CallControl, pcm: bytes, stop: threading.Event) -> bool:
    call.send_audio(pcm)
    wait_while(call, LineCallState.ANSWERED, audio.duration(pcm), stop)
    return call.state is LineCallState.ANSWERED


def _run(call: CallControl, step: Step, stop: threading.Event, result: PlayResult) -> bool:
    """Run one step; False when the plan cannot go on."""
    kind = step.kind
    if kind is StepKind.RING:
        wait_while(call, LineCallState.RINGING, step.seconds, stop)
        return call.state is LineCallState.RINGING and not stop.is_set()
    if kind is StepKind.ANSWER:
        call.answer()
        result.answered = True
        return True
    if kind is StepKind.DENY:
        call.deny()
        result.refused = True
        return False
    if kind is StepKind.SAY_HELLO:
        return _say(call, audio.hello(), stop)
    if kind is StepKind.SAY_GREETING:
        return _say(call, audio.greeting(), stop)
    if kind is StepKind.LISTEN:
        result.heard_sound = listen(call, step.seconds, stop) or result.heard_sound
        return call.state is LineCallState.ANSWERED
    result.hung_up_by_us = call.hangup()
    return False


def outcome(result: PlayResult) -> str:
    """One word for the call log."""
    if result.refused:
        return "refused"
    if result.answered:
        return "answered"
    return "interrupted" if result.interrupted else "ignored"
