"""One AMI client's connection to the simulator, and what the action handlers may ask of the PBX.

Kept apart from ``server`` so that the handlers in ``actions`` see a narrow port of the
simulator rather than the server that dispatches to them.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from telephony.sim.channels import Channel
from telephony.sim.config import Faults, LoginKind, SimulatorConfig
from telephony.sim.core import LiveCall, PbxCore


class Simulator(Protocol):
    """The simulator as the action handlers use it."""

    config: SimulatorConfig
    faults: Faults
    core: PbxCore
    connections: set[Connection]
    logins: list[LoginKind]

    def originate(self, headers: list[tuple[str, str]], action_id: str) -> None: ...

    def call_of(self, ch: Channel) -> LiveCall | None: ...

    def channel_age_and_bridge(self, ch: Channel) -> tuple[int, str]: ...


class Connection:
    def __init__(self, sim: Simulator, writer: asyncio.StreamWriter) -> None:
        self.sim = sim
        self.writer = writer
        self.logged_in = False
        self.events_on = True
        self.challenge = ""

    def send(self, text: str) -> None:
        if not self.writer.is_closing():
            self.writer.write(text.encode())

    def close(self) -> None:
        self.sim.connections.discard(self)
        self.writer.close()
