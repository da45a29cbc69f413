"""The day's PBX side when it is a real Asterisk: the AMI tap and the agents' phones.

The dialer talks to the tap (``pbx_tap``), which writes the dial log the checker
reads; each simulated agent at the desk has a real pyVoIP phone registered as
its endpoint, which the PBX rings and bridges exactly as it would a desk phone.
After the day, the PBX is asked how many channels are still up: none should be.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from proving.day.clock import SimClock
from proving.day.options import RealPbx
from proving.day.pbx_tap import DialLogWriter, PbxTap
from telephony.ami.connection import ConnectionSettings
from telephony.ami.endpoint import AmiEndpoint
from telephony.operator import check_pbx
from telephony.phones import AgentPhone, SipAccount, parse_server

RTP_PORTS_PER_PHONE = 100
RTP_BASE = 34000


def real_pbx_settings(pbx: RealPbx | None) -> dict[str, str]:
    """What the day's settings take from the real PBX (nothing for the simulator)."""
    if pbx is None:
        return {}
    endpoint = AmiEndpoint.parse(pbx.ami_url)
    return {
        "ami_login": f"{quote(endpoint.username)}:{quote(endpoint.secret)}",
        "dial_template": pbx.dial_template,
        "agent_template": pbx.agent_template,
    }


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PbxAfterDay:
    """What the real PBX and the agents' phones say once the day is over."""

    version: str
    channels_left: int
    agent_calls: int  # calls the agents' phones answered
    heard_person: int  # of which the phone heard the person's voice

    def text_fr(self) -> str:
        return (
            f"PBX réel : Asterisk {self.version}, {self.channels_left} canal(aux) encore "
            f"ouvert(s) après la journée. Téléphones des agents : {self.agent_calls} appel(s) "
            f"décroché(s), {self.heard_person} avec la voix de la personne entendue."
        )


class RealPbxSide:
    def __init__(self, pbx: RealPbx | None, port: int, dial_log: Path, clock: SimClock) -> None:
        self._pbx = pbx
        self._port = port
        self._dial_log = dial_log
        self._clock = clock
        self._tap: PbxTap | None = None
        self.phones: list[AgentPhone] = []

    async def start(self) -> None:
        if self._pbx is None:
            return
        endpoint = AmiEndpoint.parse(self._pbx.ami_url)
        self._tap = PbxTap(
            (endpoint.host, endpoint.port), DialLogWriter(self._dial_log, self._clock)
        )
        await self._tap.start(self._port)
        for index, name in enumerate(self._pbx.phones):
            phone = AgentPhone(self._account(name, index))
            await asyncio.to_thread(phone.start, 10.0)
            self.phones.append(phone)

    def _account(self, name: str, index: int) -> SipAccount:
        assert self._pbx is not None
        host, port = parse_server(self._pbx.sip_server)
        rtp = RTP_BASE + index * RTP_PORTS_PER_PHONE
        password = self._pbx.phone_password.replace("{agent}", name)
        return SipAccount(host, port, name, password, "127.0.0.1", _free_udp_port(),
                          rtp, rtp + RTP_PORTS_PER_PHONE - 1)  # fmt: skip

    async def stop(self) -> PbxAfterDay | None:
        """Stop the phones and the tap; what the PBX and the phones saw."""
        if self._pbx is None:
            return None
        for phone in self.phones:
            await asyncio.to_thread(phone.stop)
        if self._tap is not None:
            await self._tap.stop()
        report = await check_pbx(ConnectionSettings(AmiEndpoint.parse(self._pbx.ami_url)))
        calls = [record for phone in self.phones for record in phone.answered_calls()]
        heard = sum(record.heard_sound for record in calls)
        return PbxAfterDay(report.version, report.channels, len(calls), heard)
