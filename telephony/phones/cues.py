"""What a virtual person does with a call: pure decisions, no SIP.

A cue is chosen from the number the PBX dialled, so one registered
VirtualPerson can play every scenario of the recorded transcripts: the
dialer calls +33611000002 and gets a busy person, +33611000010 and gets an
answering machine. A cue turns into a plan, a list of steps that
``telephony.phones.script`` plays against a call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Long enough for the dialplan to dial the agent and the agent's phone to answer.
CONVERSE_PAUSE_S = 3.0


class CueKind(StrEnum):
    TALK = "talk"  # answers, says hello, talks, hangs up
    BUSY = "busy"  # refuses: 486 Busy Here
    RING = "ring"  # lets it ring, never answers
    SILENT = "silent"  # answers and says nothing until the far end hangs up
    MACHINE = "machine"  # answers with a long recorded greeting
    # Answers with hello, and speaks again once an agent can be on the line: the
    # first hello falls before the bridge, the second tells the agent's phone
    # that the bridge carries the person's voice.
    CONVERSE = "converse"


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    talk_s: float = 20.0  # TALK: how long before hanging up; others: upper bound
    ring_s: float = 0.0  # rings this long before answering

    def __post_init__(self) -> None:
        if self.talk_s < 0 or self.ring_s < 0:
            raise ValueError(f"cue durations cannot be negative: {self}")


class StepKind(StrEnum):
    RING = "ring"
    ANSWER = "answer"
    DENY = "deny"
    SAY_HELLO = "say_hello"
    SAY_GREETING = "say_greeting"
    LISTEN = "listen"  # until the far end hangs up or the step's seconds pass
    HANGUP = "hangup"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    seconds: float = 0.0


def plan_for(cue: Cue) -> list[Step]:
    """The steps that act a cue out, in order."""
    if cue.kind is CueKind.BUSY:
        return [Step(StepKind.DENY)]
    if cue.kind is CueKind.RING:
        return []
    steps = [Step(StepKind.RING, cue.ring_s)] if cue.ring_s > 0 else []
    steps.append(Step(StepKind.ANSWER))
    if cue.kind is CueKind.TALK:
        steps.append(Step(StepKind.SAY_HELLO))
    elif cue.kind is CueKind.CONVERSE:
        pause = min(CONVERSE_PAUSE_S, cue.talk_s)
        steps += [Step(StepKind.SAY_HELLO), Step(StepKind.LISTEN, pause), Step(StepKind.SAY_HELLO)]
        return [*steps, Step(StepKind.LISTEN, cue.talk_s - pause), Step(StepKind.HANGUP)]
    elif cue.kind is CueKind.MACHINE:
        steps.append(Step(StepKind.SAY_GREETING))
    steps += [Step(StepKind.LISTEN, cue.talk_s), Step(StepKind.HANGUP)]
    return steps


def number_key(number: str) -> str:
    """The last nine digits: the national significant number in the French plan.

    ``+33611000001``, ``0611000001`` and ``+590690123456`` / ``0690123456``
    each give one key, so one cue book serves the E.164 dial template
    (``PJSIP/{e164}@...``) and the national one alike.
    """
    return "".join(ch for ch in number if ch.isdigit())[-9:]


@dataclass(frozen=True)
class CueBook:
    """Cues by dialled number, with a default for every other number."""

    cues: Mapping[str, Cue] = field(default_factory=dict)
    default: Cue = Cue(CueKind.TALK)

    def cue_for(self, number: str) -> Cue:
        wanted = number_key(number)
        for key, cue in self.cues.items():
            if number_key(key) == wanted:
                return cue
        return self.default


# The people of the recorded transcripts (sim-persons), reachable over SIP.
TRANSCRIPT_PEOPLE = CueBook(
    {
        "0611000001": Cue(CueKind.TALK, talk_s=20),
        "0611000002": Cue(CueKind.BUSY),
        "0611000003": Cue(CueKind.RING),
        "0611000005": Cue(CueKind.TALK, talk_s=3),
        "0611000006": Cue(CueKind.TALK, talk_s=20, ring_s=4),
        "0611000009": Cue(CueKind.TALK, talk_s=20),
        "0611000010": Cue(CueKind.MACHINE, talk_s=12),
        "0611000011": Cue(CueKind.SILENT, talk_s=30),
    }
)
