"""The pyVoIP wrapper: message parsing on pyVoIP's own parser, registration failure on loopback."""

import socket
import time

import pytest

from telephony.phones.sip import (
    SipAccount,
    SipLine,
    SipLineError,
    SIPMessage,
    called_number,
    caller_number,
    parse_server,
)

INVITE = (
    "INVITE sip:{ruri}@127.0.0.1:5062 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKPj1\r\n"
    'From: "Assurance Maladie" <sip:0162000000@127.0.0.1>;tag=abc\r\n'
    "To: <sip:{to}127.0.0.1>\r\n"
    "Contact: <sip:asterisk@127.0.0.1:5060>\r\n"
    "Call-ID: 5f0e-call\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n"
)


def invite(ruri: str, to: str) -> SIPMessage:
    return SIPMessage(INVITE.format(ruri=ruri, to=to).encode())


def test_called_number_is_the_to_user_asterisk_sets() -> None:
    message = invite("+33611000002", "+33611000002@")
    assert called_number(message) == "+33611000002"
    assert caller_number(message) == "0162000000"


def test_called_number_falls_back_to_the_request_uri() -> None:
    assert called_number(invite("0611000003", "")) == "0611000003"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("127.0.0.1:5060", ("127.0.0.1", 5060)), ("pbx.local", ("pbx.local", 5060))],
)
def test_parse_server(text: str, expected: tuple[str, int]) -> None:
    assert parse_server(text) == expected


def test_parse_server_rejects_a_bad_port() -> None:
    with pytest.raises(ValueError):
        parse_server("127.0.0.1:sip")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_start_gives_up_when_nobody_answers_register() -> None:
    # A UDP socket that reads REGISTER and never replies: a PBX that is down.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as deaf:
        deaf.bind(("127.0.0.1", 0))
        port = int(deaf.getsockname()[1])
        account = SipAccount("127.0.0.1", port, "991", "x", "127.0.0.1", free_udp_port())
        line = SipLine(account, lambda call: None)
        began = time.monotonic()
        with pytest.raises(SipLineError, match="did not register"):
            line.start(timeout_s=1)
        deaf.settimeout(1)
        assert b"REGISTER sip:127.0.0.1" in deaf.recv(8192)
        assert not line.registered
        assert time.monotonic() - began < 15
