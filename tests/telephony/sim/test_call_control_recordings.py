"""The simulator answers call control as the real Asterisk 22.10.1 did.

``tests/fixtures/ami-transcripts/call-control/`` holds conversations recorded from the
real PBX running the project's asterisk/ files (tests/telephony/test_real_asterisk_control.py
through telephony/recording.py): hold then resume, a blind transfer, the supervisor's
phone into ChanSpy, an attended transfer cancelled and one completed by the agent
leaving (and the agent leaving with no transfer, which ends the call). They are
replayed here, and every reply to the client's actions
(responses, list items, the OriginateResponse) must match, and so must every event
around them (bridges left, merged and destroyed, music on hold, the dialplan steps of
dialer-hold and dialer-transfer, the consultation's channels, ChanSpy), compared as
test_transcripts.py compares the other files. The recorder stopped listening while the
calls went on (no Logoff), so what the simulator says after a stream's recorded end is
not compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony.transcripts import WireMessage, load_all

from .replay import differences, group, replay, was_cut

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "ami-transcripts" / "call-control"
RECORDED = load_all(FOLDER)
REAL_TIME = 1.0


def replies(messages: list[WireMessage]) -> list[object]:
    """Responses in order, each list's items as a set (Asterisk lists in hash order)."""
    streams = group(messages)
    out: list[object] = list(streams["responses"])
    out += [sorted(v) for k, v in sorted(streams.items()) if k.startswith("list:")]
    out += [v for k, v in sorted(streams.items()) if k.startswith("originate:")]
    return out


def test_recordings_are_there() -> None:
    assert set(RECORDED) == {
        "61-hold-resume", "62-blind-transfer", "63-chanspy-listen",
        "64-attended-transfer-cancelled", "65-attended-transfer-completed",
        "66-agent-leaves-no-transfer",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(RECORDED))
async def test_simulator_answers_as_recorded(name: str) -> None:
    transcript = RECORDED[name]
    # In real time: the person's and the agents' dialplans show their Wait half a second
    # after their Answer, and a shorter scale lets a loaded machine's delays reorder that
    # against the client's actions (the recordings act within 0.15 s of the answer).
    received = await replay(transcript, REAL_TIME, timeout_s=1.0, lab_agents=False)
    assert replies(received) == replies(transcript.received())
    problems = differences(transcript.received(), received, cut=was_cut(transcript))
    assert not problems, "\n".join(problems[:8])
