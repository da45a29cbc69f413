"""A minimal SIP peer on loopback UDP, standing where Asterisk would.

It accepts a REGISTER with 200 OK, sends one INVITE with an SDP offer, ACKs
a 200, receives RTP on its own port and can send BYE: enough to drive real
pyVoIP phones through a whole call without a PBX.
"""

from __future__ import annotations

import re
import socket
import time
import uuid

_STATUS = re.compile(rb"^SIP/2.0 (\d{3})")


class SipPeer:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp_port = int(self.rtp.getsockname()[1])
        self.phone: tuple[str, int] | None = None
        self.call_id = ""
        self.to_tag = ""

    def close(self) -> None:
        self.sock.close()
        self.rtp.close()

    def recv(self, timeout_s: float) -> bytes:
        self.sock.settimeout(timeout_s)
        data, sender = self.sock.recvfrom(65535)
        self.phone = sender
        return data

    def accept_register(self, timeout_s: float = 5) -> None:
        request = self.recv(timeout_s).decode()
        assert request.startswith("REGISTER "), request
        self.sock.sendto(self._reply(request, "200 OK", "Expires: 120\r\n"), self.phone)

    def invite(self, number: str) -> None:
        assert self.phone is not None
        self.call_id = uuid.uuid4().hex
        host, port = self.phone
        sdp = (
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=peer\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
        )
        invite = (
            f"INVITE sip:{number}@{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};rport;branch=z9hG4bK{self.call_id[:8]}\r\n"
            f'From: "Assurance Maladie" <sip:0162000000@127.0.0.1>;tag=peer\r\n'
            f"To: <sip:{number}@{host}>\r\n"
            f"Contact: <sip:peer@127.0.0.1:{self.port}>\r\n"
            f"Call-ID: {self.call_id}\r\nCSeq: 1 INVITE\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}"
        )
        self.sock.sendto(invite.encode(), self.phone)

    def final_response(self, timeout_s: float) -> int:
        """Read responses until a final one (>= 200); ACK a 200."""
        deadline = time.monotonic() + timeout_s
        while True:
            data = self.recv(max(0.01, deadline - time.monotonic()))
            status = _STATUS.match(data)
            if status is None:
                continue  # a request from the phone (e.g. re-REGISTER)
            code = int(status.group(1))
            if code >= 200:
                self.to_tag = re.search(rb"To:[^\r\n]*;tag=([^\r\n;]+)", data).group(1).decode()
                if code == 200:
                    self._send_in_dialog("ACK", 1)
                return code

    def wait_for_bye(self, timeout_s: float) -> float:
        """Seconds until the phone's BYE; answers it with 200 OK."""
        began = time.monotonic()
        while True:
            request = self.recv(max(0.01, timeout_s - (time.monotonic() - began))).decode()
            if request.startswith("BYE "):
                self.sock.sendto(self._reply(request, "200 OK"), self.phone)
                return time.monotonic() - began

    def bye(self) -> None:
        self._send_in_dialog("BYE", 2)

    def rtp_payloads(self, seconds: float) -> bytes:
        """The audio (PCMU payloads) the phone sent during ``seconds``."""
        audio, deadline = b"", time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.rtp.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                packet = self.rtp.recv(2048)
            except TimeoutError:
                break
            audio += packet[12:]
        return audio

    def _send_in_dialog(self, method: str, cseq: int) -> None:
        assert self.phone is not None
        host, port = self.phone
        message = (
            f"{method} sip:phone@{host}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};rport;branch=z9hG4bK{method}{cseq}\r\n"
            f'From: "Assurance Maladie" <sip:0162000000@127.0.0.1>;tag=peer\r\n'
            f"To: <sip:x@{host}>;tag={self.to_tag}\r\n"
            f"Call-ID: {self.call_id}\r\nCSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        )
        self.sock.sendto(message.encode(), self.phone)

    @staticmethod
    def _reply(request: str, status: str, extra: str = "") -> bytes:
        keep = ("Via:", "From:", "To:", "Call-ID:", "CSeq:")
        lines = [line for line in request.split("\r\n") if line.startswith(keep)]
        lines = [f"{line};tag=reg" if line.startswith("To:") else line for line in lines]
        return (f"SIP/2.0 {status}\r\n" + "\r\n".join(lines) + "\r\n" + extra).encode() + (
            b"Content-Length: 0\r\n\r\n"
        )
