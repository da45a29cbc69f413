"""The simulator answers each recorded conversation as Asterisk 22 did."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony.transcripts import Transcript, load_all

from .replay import differences, replay

# Recorded by the project from Asterisk 22.10.1 running its own asterisk/ files.
PROJECT_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "ami-transcripts"
SHARED = load_all()
PROJECT = load_all(PROJECT_DIR)
TRANSCRIPTS: dict[str, tuple[Transcript, bool]] = {
    **{name: (t, True) for name, t in SHARED.items()},
    **{name: (t, False) for name, t in PROJECT.items()},
}
# Small enough to be quick, large enough that a loaded machine keeps the recorded order
# between the client's actions and the call's progress.
TIME_FACTOR = 0.02


@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
async def test_simulator_matches_recording(name: str) -> None:
    transcript, lab = TRANSCRIPTS[name]
    received = await replay(transcript, TIME_FACTOR, lab_agents=lab)
    concurrent = sum(m.get("Action") == "Originate" for m in transcript.sent()) > 1
    problems = differences(transcript.received(), received, concurrent)
    assert not problems, "\n".join(problems[:8])
