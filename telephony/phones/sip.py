"""A thin typed skin over pyVoIP 1.6.8: one registered SIP line and its calls.

pyVoIP is untyped, raises on state mistakes, and runs every incoming call in a
Timer thread one second after it sent 180 Ringing. This module keeps those
habits in one place so the phones above it read as plain Python.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pyVoIP.VoIP import CallState as RawCallState
from pyVoIP.VoIP import InvalidStateError, PhoneStatus, VoIPCall, VoIPPhone

# isort: split
# pyVoIP 1.6.8 fails with a circular import when pyVoIP.SIP comes first.
import pyVoIP
from pyVoIP.SIP import SIPMessage


class SipLineError(RuntimeError):
    """The line could not register, or was used in the wrong state."""


class LineCallState(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"


_STATES = {
    RawCallState.RINGING: LineCallState.RINGING,
    RawCallState.DIALING: LineCallState.RINGING,
    RawCallState.ANSWERED: LineCallState.ANSWERED,
    RawCallState.ENDED: LineCallState.ENDED,
}


@dataclass(frozen=True)
class SipAccount:
    """Where to register, as whom, and which local ports to use.

    pyVoIP writes ``local_ip:local_port`` into its Contact and SDP, so both
    must be real addresses the PBX can reach (no port 0, no 0.0.0.0 on a
    multi-homed host).
    """

    server: str
    port: int
    username: str
    password: str
    local_ip: str
    local_port: int
    rtp_low: int = 10000
    rtp_high: int = 20000


def parse_server(text: str) -> tuple[str, int]:
    """``127.0.0.1:5060`` or ``127.0.0.1`` -> (host, port)."""
    host, _, port = text.strip().rpartition(":")
    if not host:
        return port, 5060
    if not port.isdigit():
        raise ValueError(f"SIP server must be host[:port], got {text!r}")
    return host, int(port)


def called_number(message: SIPMessage) -> str:
    """The number the PBX dialled: the To user, else the request-URI user.

    Asterisk puts the dial string's user (``PJSIP/+33611000001@test-person``)
    in both; the request line is the fallback for proxies that rewrite To.
    """
    headers: Mapping[str, Any] = message.headers
    to = headers.get("To")
    if isinstance(to, dict) and to.get("number"):
        return str(to["number"])
    heading = message.heading.decode("utf8", "replace").split(" ")
    uri = heading[1] if len(heading) > 1 else ""
    user = uri.split(":", 1)[-1].split("@", 1)[0] if "@" in uri else ""
    return user.split(";", 1)[0]


def caller_number(message: SIPMessage) -> str:
    sender = message.headers.get("From")
    if isinstance(sender, dict) and sender.get("number"):
        return str(sender["number"])
    return ""


# 8-bit unsigned PCM: 128 is silence. One look reads at most 200 ms of audio.
SILENCE_LEVEL = 0x80
HEARD_CHUNK = 1600


class SipCall:
    """One incoming call on a SipLine."""

    def __init__(self, raw: VoIPCall) -> None:
        self._raw = raw
        self.call_id = str(raw.call_id)
        self.called = called_number(raw.request)
        self.caller = caller_number(raw.request)

    @property
    def state(self) -> LineCallState:
        return _STATES[self._raw.state]

    def answer(self) -> None:
        self._raw.answer()

    def deny(self) -> None:
        """Refuse with 486 Busy Here (Asterisk reports cause 17).

        Not pyVoIP's ``deny()``: after sending 486 it stops RTP clients that
        only ``answer()`` starts, dies on AttributeError and leaves the call
        in its table. This sends the same 486 and cleans up what exists.
        """
        raw = self._raw
        if raw.state != RawCallState.RINGING:
            raise SipLineError(f"call {self.call_id} is not ringing")
        busy = raw.sip.gen_busy(raw.request)
        raw.sip.out.sendto(busy.encode("utf8"), (raw.phone.server, raw.phone.port))
        raw.state = RawCallState.ENDED
        raw.phone.calls.pop(self.call_id, None)
        raw.phone.release_ports(raw)

    def hangup(self) -> bool:
        """Send BYE; False when the far end already hung up."""
        try:
            self._raw.hangup()
        except InvalidStateError:
            return False
        return True

    def send_audio(self, pcm: bytes) -> None:
        """Queue 8-bit unsigned PCM; pyVoIP paces it at 20 ms per packet."""
        self._raw.write_audio(pcm)

    def heard_peak(self) -> int:
        """The loudest sample received since the last look (0 = silence, 127 = full scale)."""
        if self._raw.state != RawCallState.ANSWERED:
            return 0
        pcm = self._raw.read_audio(HEARD_CHUNK, blocking=False)
        return max((abs(sample - SILENCE_LEVEL) for sample in pcm), default=0)


CallHandler = Callable[[SipCall], None]


def answer_options(sip: Any) -> None:
    """Make pyVoIP answer OPTIONS with 200 OK, as every desk phone does.

    Asterisk qualifies agents' phones with OPTIONS (``qualify_frequency`` in
    pjsip.conf) and refuses to dial a contact that never answers. pyVoIP ignores
    OPTIONS, so without this a test phone registered as agent 901 would be marked
    unreachable within a minute: the test world would differ from a real desk.
    """
    # pyVoIP refuses to parse a method missing from this module-level list.
    if "OPTIONS" not in pyVoIP.SIPCompatibleMethods:
        pyVoIP.SIPCompatibleMethods.append("OPTIONS")
    parse = sip.parse_message

    def parse_with_options(message: Any) -> None:
        if getattr(message, "method", None) == "OPTIONS":
            reply = sip.gen_ok(message)
            via = message.headers["Via"][0]["address"]
            sip.out.sendto(reply.encode("utf8"), (via[0], int(via[1])))
            return
        parse(message)

    sip.parse_message = parse_with_options


class SipLine:
    """A registered pyVoIP phone whose incoming calls go to ``on_call``.

    ``on_call`` runs in pyVoIP's per-call thread and may block for the whole
    call; ``start`` returns once registered, ``stop`` hangs up and unregisters.
    """

    def __init__(self, account: SipAccount, on_call: CallHandler) -> None:
        self.account = account
        self._on_call = on_call
        self._phone: Any = VoIPPhone(
            account.server,
            account.port,
            account.username,
            account.password,
            myIP=account.local_ip,
            callCallback=self._incoming,
            sipPort=account.local_port,
            rtpPortLow=account.rtp_low,
            rtpPortHigh=account.rtp_high,
        )
        answer_options(self._phone.sip)
        self._starter: threading.Thread | None = None

    @property
    def registered(self) -> bool:
        return bool(self._phone.get_status() == PhoneStatus.REGISTERED)

    def start(self, timeout_s: float = 10.0) -> None:
        if self._starter is not None:
            raise SipLineError(f"line {self.account.username} already started")
        # pyVoIP registers synchronously inside start() and may retry for
        # minutes; a thread lets this call give up after timeout_s.
        self._phone.sip.register_timeout = max(1, int(timeout_s))
        self._starter = threading.Thread(
            target=self._phone.start, name=f"sip-start-{self.account.username}", daemon=True
        )
        self._starter.start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self._phone.get_status()
            if status == PhoneStatus.REGISTERED:
                return
            if status == PhoneStatus.FAILED:
                break
            time.sleep(0.05)
        self.stop()
        raise SipLineError(
            f"{self.account.username} did not register with "
            f"{self.account.server}:{self.account.port} within {timeout_s:g} s"
        )

    def stop(self) -> None:
        if self._starter is None:
            return
        self._starter.join(timeout=5)
        self._starter = None
        # pyVoIP waits register_timeout for the answer to its un-REGISTER; a
        # PBX on the LAN answers in milliseconds, a dead one should not hold
        # a shutdown for the whole registration timeout.
        self._phone.sip.register_timeout = 1
        # OSError: the socket is already closed (the PBX went away); there is
        # nothing left to unregister and a tearing-down test must not fail.
        with contextlib.suppress(OSError):
            self._phone.stop()

    def _incoming(self, raw: VoIPCall) -> None:
        self._on_call(SipCall(raw))
