"""Who answers: the recorded test people and a seeded model of everyone else.

The outcome of a call depends only on the seed, the number and how many times
that number was called before, so a campaign replayed with the same seed meets
the same people in the same moods.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    ANSWER = "answer"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    INVALID = "invalid_number"
    UNAVAILABLE = "unavailable"
    MACHINE = "machine"


@dataclass(frozen=True)
class Behaviour:
    """What the called side does, in simulated seconds."""

    outcome: Outcome
    ring_s: float = 0.0  # ringing before answer (or before rejection)
    talk_s: float = 20.0  # person's talk time once answered (machine: greeting length)
    hello_s: float = 0.0  # a short "Allô ?" before listening (AMD sees a human)
    description: str = ""  # the NoOp text of the person's dialplan


# The dialplan of sim-persons behind the recorded transcripts (see their README).
SCRIPTED: dict[str, Behaviour] = {
    "0611000001": Behaviour(Outcome.ANSWER, talk_s=20, description="answers and talks 20 s"),
    "0611000002": Behaviour(Outcome.BUSY, description="busy"),
    "0611000003": Behaviour(Outcome.NO_ANSWER, ring_s=120, description="rings, never answers"),
    "0611000004": Behaviour(Outcome.CONGESTION, description="congestion"),
    "0611000005": Behaviour(
        Outcome.ANSWER, talk_s=3, description="answers then hangs up after 3 s"
    ),
    "0611000006": Behaviour(
        Outcome.ANSWER, ring_s=4, talk_s=20, description="rings 4 s then answers"
    ),
    "0611000007": Behaviour(Outcome.INVALID, description="unallocated number"),
    "0611000008": Behaviour(Outcome.UNAVAILABLE, description="temporarily unavailable"),
    "0611000009": Behaviour(
        Outcome.ANSWER,
        talk_s=20,
        hello_s=0.4,
        description="a person: says a short hello, then listens",
    ),
    "0611000010": Behaviour(
        Outcome.MACHINE, talk_s=12, hello_s=0.4, description="an answering machine: long greeting"
    ),
}


def national_form(number: str) -> str:
    """``+33612345678`` and ``0612345678`` name the same person."""
    digits = re.sub(r"[^\d+]", "", number)
    if digits.startswith("+33"):
        return "0" + digits[3:]
    if digits.startswith("0033"):
        return "0" + digits[4:]
    return digits


@dataclass(frozen=True)
class PopulationModel:
    """Rates of each outcome (the rest answer) and time distributions, in seconds."""

    busy: float = 0.08
    no_answer: float = 0.25
    congestion: float = 0.02
    invalid: float = 0.03
    machine: float = 0.12
    ring_mean_s: float = 6.0
    ring_max_s: float = 40.0
    talk_mean_s: float = 90.0
    talk_min_s: float = 5.0
    talk_max_s: float = 600.0
    hello_s: float = 0.4

    def behaviour(self, seed: int, number: str, nth_call: int) -> Behaviour:
        national = national_form(number)
        if national in SCRIPTED:
            return SCRIPTED[national]
        rng = random.Random(_stable_seed(seed, national, nth_call))
        outcome = self._pick_outcome(rng.random())
        ring = min(self.ring_max_s, rng.expovariate(1 / self.ring_mean_s))
        talk = rng.expovariate(1 / self.talk_mean_s)
        talk = max(self.talk_min_s, min(self.talk_max_s, talk))
        return _describe(outcome, round(ring, 1), round(talk, 1), self.hello_s)

    def _pick_outcome(self, draw: float) -> Outcome:
        for outcome, rate in (
            (Outcome.BUSY, self.busy),
            (Outcome.NO_ANSWER, self.no_answer),
            (Outcome.CONGESTION, self.congestion),
            (Outcome.INVALID, self.invalid),
            (Outcome.MACHINE, self.machine),
        ):
            if draw < rate:
                return outcome
            draw -= rate
        return Outcome.ANSWER


def _stable_seed(seed: int, number: str, nth_call: int) -> int:
    # hash() of a str changes between processes; a digest does not.
    digest = hashlib.sha256(f"{seed}:{number}:{nth_call}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _describe(outcome: Outcome, ring: float, talk: float, hello: float) -> Behaviour:
    if outcome is Outcome.ANSWER:
        text = f"rings {ring:g} s, answers, talks {talk:g} s"
        return Behaviour(outcome, ring_s=ring, talk_s=talk, hello_s=hello, description=text)
    if outcome is Outcome.MACHINE:
        text = "an answering machine: long greeting"
        return Behaviour(outcome, ring_s=ring, talk_s=talk, hello_s=hello, description=text)
    if outcome is Outcome.NO_ANSWER:
        return Behaviour(outcome, ring_s=3600, description="rings, never answers")
    return Behaviour(outcome, description=outcome.value.replace("_", " "))
