"""Every recorded call transcript, replayed through the state machine, ends with
the result a person listening to the call would give it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from telephony.ami.connection import AmiConnection, _Manager
from telephony.ami.protocol import SafeAmiProtocol
from telephony.results import CallResult, CallState
from telephony.transcripts import Transcript, load_all
from tests.telephony.ami.helpers import fast_settings
from tests.telephony.ami.replay import finals, replay

# Recorded by this project from Asterisk 22.10.1 with its own asterisk/ files.
PROJECT_RECORDINGS = Path(__file__).resolve().parents[2] / "fixtures" / "ami-transcripts"
TRANSCRIPTS = {**load_all(), **load_all(PROJECT_RECORDINGS)}

EXPECTED = {
    "10-originate-answered-agent": ("a10", CallResult.ANSWERED),
    "11-originate-busy": ("a11", CallResult.BUSY),
    "12-originate-no-answer": ("a12", CallResult.NO_ANSWER),
    "13-originate-congestion": ("a13", CallResult.CONGESTION),
    "14-originate-answered-short": ("a14", CallResult.ANSWERED),
    "15-originate-ring-then-answer": ("a15", CallResult.ANSWERED),
    "16-originate-unallocated": ("a16", CallResult.INVALID_NUMBER),
    # Q.850 41 "temporary failure": the network could not carry the call now,
    # nothing says the number is bad, so it is retried like congestion.
    "17-originate-unavailable": ("a17", CallResult.CONGESTION),
    "18-originate-amd-human": ("a18", CallResult.ANSWERED),
    "19-originate-amd-machine": ("a19", CallResult.MACHINE),
    "20-call-in-progress-hangup": ("a20", CallResult.ANSWERED),
    "40-pjsip-answered-dialer-hangup": ("p40", CallResult.ANSWERED),
    "41-pjsip-busy": ("p41", CallResult.BUSY),
    "42-pjsip-not-found": ("p42", CallResult.INVALID_NUMBER),
    "43-pjsip-service-unavailable": ("p43", CallResult.CONGESTION),
    "44-pjsip-no-answer": ("p44", CallResult.NO_ANSWER),
    # SIP 480 Temporarily Unavailable: Asterisk maps it to cause 19, the
    # phone is off or out of reach, which a campaign retries as no answer.
    "45-pjsip-temporarily-unavailable": ("p45", CallResult.NO_ANSWER),
    "46-pjsip-unknown-endpoint": ("p46", CallResult.NETWORK_FAILURE),
    # A dial template into a context or an extension the dialplan lacks: both Local
    # halves are created and hung up with cause 0. Our configuration, not the person.
    "47-local-unknown-context": ("p47", CallResult.NETWORK_FAILURE),
    "48-local-unknown-extension": ("p48", CallResult.NETWORK_FAILURE),
    # The carrier trunk is unreachable (qualify said so): through [outbound] Dial
    # answers cause 3 on both halves; straight to PJSIP/<e164>@trunk, no channel.
    "49-outbound-trunk-down": ("p49", CallResult.NETWORK_FAILURE),
    "50-pjsip-trunk-down": ("p50", CallResult.NETWORK_FAILURE),
    # The person answered, the agent's channel could not be created: abandoned.
    "51-agent-unknown-endpoint": ("p51", CallResult.ABANDONED),
    "52-agent-old-extension": ("p52", CallResult.ABANDONED),
    "53-originate-answered-agent-dialstring": ("p53", CallResult.ANSWERED),
    "54-predictive-setvar-dialstring": ("p54", CallResult.ANSWERED),
}

BURST_BY_NUMBER = {
    "0611000001": CallResult.ANSWERED,
    "0611000002": CallResult.BUSY,
    "0611000004": CallResult.CONGESTION,
    "0611000005": CallResult.ANSWERED,
    "0611000007": CallResult.INVALID_NUMBER,
}


# File 18 logs off while the person is still talking to the agent: its
# recorded events leave the call connected, and it ends when the person hangs up.
STILL_UP_AT_LOGOFF = {"18-originate-amd-human"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_single_call_transcript_ends_with_expected_result(name: str) -> None:
    attempt, expected = EXPECTED[name]
    tracker, updates = replay(TRANSCRIPTS[name])
    if name in STILL_UP_AT_LOGOFF:
        assert updates[-1].state is CallState.CONNECTED and updates[-1].result is None
        hangup = {"Event": "Hangup", "Uniqueid": f"dialer-{attempt}", "Cause": "16"}
        final = tracker.feed(hangup)
        assert final is not None
        updates.append(final)
    assert finals(updates) == {attempt: str(expected)}
    assert len(tracker) == 0, "an ended call must not stay tracked"
    assert [u.state for u in updates if u.state is CallState.ENDED] == [CallState.ENDED]


def burst_expectations(transcript: Transcript) -> dict[str, str]:
    expected = {}
    for message in transcript.sent():
        if message.get("Action") == "Originate":
            number = (message.get("Channel") or "").split("/")[1].split("@")[0]
            attempt = (message.get("ChannelId") or "").removeprefix("dialer-")
            expected[attempt] = str(BURST_BY_NUMBER[number])
    return expected


def test_burst_of_twenty_interleaved_calls_each_gets_its_own_result() -> None:
    transcript = TRANSCRIPTS["30-burst-20-originates"]
    expected = burst_expectations(transcript)
    assert len(expected) == 20
    _, updates = replay(transcript)
    assert finals(updates) == expected


def test_busy_on_sip_trunk_keeps_reason_cause_and_tech_cause() -> None:
    _, updates = replay(TRANSCRIPTS["41-pjsip-busy"])
    final = updates[-1]
    assert (final.reason, final.cause, final.tech_cause) == ("0", "17", "486")


def test_answered_call_goes_through_answered_then_connected_then_ended() -> None:
    _, updates = replay(TRANSCRIPTS["15-originate-ring-then-answer"])
    states = [
        s for i, s in enumerate(u.state for u in updates) if i == 0 or updates[i - 1].state != s
    ]
    assert states == [CallState.RINGING, CallState.ANSWERED, CallState.CONNECTED, CallState.ENDED]
    final = updates[-1]
    assert final.answered_at is not None and final.connected_at is not None
    assert final.created_at < final.answered_at < final.connected_at < (final.ended_at or 0)


def test_amd_status_is_reported_before_the_call_reaches_the_agent() -> None:
    _, updates = replay(TRANSCRIPTS["18-originate-amd-human"])
    amd = [u for u in updates if u.amd_status]
    assert amd[0].amd_status == "HUMAN" and amd[0].amd_cause == "HUMAN-800-800"
    assert amd[0].state is CallState.ANSWERED
    assert updates[-1].state is CallState.CONNECTED


def test_user_event_before_originate_response_is_not_lost() -> None:
    # In file 10 DialerAnswered precedes OriginateResponse.
    _, updates = replay(TRANSCRIPTS["10-originate-answered-agent"])
    assert [u.state for u in updates][:2] == [CallState.ANSWERED, CallState.ANSWERED]
    assert not any(u.waiting_for_agent for u in updates), "AGENT was set at originate"


def wire_bytes(transcript: Transcript) -> bytes:
    """What Asterisk wrote on the socket, banner included."""
    out = []
    for m in transcript.received():
        out.append("\r\n".join(m.lines) + ("\r\n" if m.is_banner else "\r\n\r\n"))
    return "".join(out).encode()


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("chunk", [333, 4096])
async def test_recorded_bytes_through_panoramisk_parsing_give_the_same_results(
    name: str, chunk: int
) -> None:
    """The real parse path (panoramisk's protocol, our dispatch) on the recorded
    bytes, cut at arbitrary places as TCP may deliver them."""
    transcript = TRANSCRIPTS[name]
    _, from_dicts = replay(transcript)
    tracker, _ = replay(Transcript(name, "", transcript.sent(), False))
    updates = []

    def sink(event: Any) -> None:
        update = tracker.feed(event)
        if update is not None:
            updates.append(update)

    protocol = SafeAmiProtocol()
    protocol.connection_made(Sink())
    protocol.factory = _Manager(AmiConnection(fast_settings(1), on_event=sink))
    data = wire_bytes(transcript)
    for i in range(0, len(data), chunk):
        protocol.data_received(data[i : i + chunk])
    assert finals(updates) == finals(from_dicts)
    assert [u.state for u in updates] == [u.state for u in from_dicts]


class Sink:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass
