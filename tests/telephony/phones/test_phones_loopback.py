"""Real pyVoIP phones against a minimal SIP peer on loopback (no PBX needed)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest

from telephony.phones import AgentPhone, Cue, CueBook, CueKind, SipAccount, VirtualPerson
from tests.telephony.phones.real_pbx import free_udp_port
from tests.telephony.phones.sip_peer import SipPeer

PEOPLE = CueBook(
    {
        "0611000002": Cue(CueKind.BUSY),
        "0611000005": Cue(CueKind.TALK, talk_s=1.0),
        "0611000011": Cue(CueKind.SILENT, talk_s=30),
    }
)


@pytest.fixture
def peer() -> Iterator[SipPeer]:
    peer = SipPeer()
    yield peer
    peer.close()


def account(peer: SipPeer, user: str) -> SipAccount:
    rtp = free_udp_port()
    return SipAccount("127.0.0.1", peer.port, user, "pw", "127.0.0.1", free_udp_port(), rtp, rtp)


def started(phone: VirtualPerson | AgentPhone, peer: SipPeer) -> None:
    registering = threading.Thread(target=phone.start, kwargs={"timeout_s": 5})
    registering.start()
    peer.accept_register()
    registering.join()
    assert phone.registered


def stopped(phone: VirtualPerson | AgentPhone, peer: SipPeer) -> None:
    """Stop, answering the un-REGISTER so the phone does not wait for it."""
    stopping = threading.Thread(target=phone.stop)
    stopping.start()
    with contextlib.suppress(TimeoutError, AssertionError):
        peer.accept_register(timeout_s=2)
    stopping.join()
    assert not phone.registered


def test_busy_cue_answers_486(peer: SipPeer) -> None:
    person = VirtualPerson(account(peer, "test-person"), PEOPLE)
    started(person, peer)
    try:
        peer.invite("+33611000002")
        assert peer.final_response(timeout_s=5) == 486
        (record,) = person.log.wait_for_ended(1, timeout_s=5)
        assert record.called == "+33611000002" and record.outcome == "refused"
    finally:
        stopped(person, peer)


def test_talk_cue_answers_says_hello_and_hangs_up(peer: SipPeer) -> None:
    person = VirtualPerson(account(peer, "test-person"), PEOPLE)
    started(person, peer)
    try:
        peer.invite("0611000005")
        assert peer.final_response(timeout_s=5) == 200
        sound = peer.rtp_payloads(0.6)
        assert len(set(sound)) > 10  # a tone, not PCMU silence (0xff/0x7f)
        assert peer.wait_for_bye(timeout_s=5) < 3
        (record,) = person.log.wait_for_ended(1, timeout_s=5)
        assert record.outcome == "answered" and record.duration_s >= 1.0
    finally:
        stopped(person, peer)


def test_agent_keeps_the_call_until_the_far_end_hangs_up(peer: SipPeer) -> None:
    agent = AgentPhone(account(peer, "991"))
    started(agent, peer)
    try:
        peer.invite("991")
        assert peer.final_response(timeout_s=5) == 200
        assert agent.call_count == 0
        peer.rtp_payloads(0.5)
        peer.bye()
        agent.log.wait_for_ended(1, timeout_s=5)
        assert agent.call_count == 1
        assert 0.4 < agent.durations()[0] < 3
    finally:
        stopped(agent, peer)
