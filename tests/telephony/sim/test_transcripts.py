"""The simulator answers each recorded conversation as Asterisk 22 did."""

from __future__ import annotations

import pytest

from telephony.transcripts import load_all

from .replay import differences, replay

TRANSCRIPTS = load_all()
# Small enough to be quick, large enough that a loaded machine keeps the recorded order
# between the client's actions and the call's progress.
TIME_FACTOR = 0.02


@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
async def test_simulator_matches_recording(name: str) -> None:
    transcript = TRANSCRIPTS[name]
    received = await replay(transcript, TIME_FACTOR)
    concurrent = sum(m.get("Action") == "Originate" for m in transcript.sent()) > 1
    problems = differences(transcript.received(), received, concurrent)
    assert not problems, "\n".join(problems[:8])
