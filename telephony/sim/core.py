"""State shared by the calls of one simulated PBX: channels, counters, the event sink."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from telephony.sim.channels import Channel
from telephony.sim.config import DialRecord, Faults, SimulatorConfig
from telephony.sim.records import ControlRecord, SpyRecord


class LiveCall(Protocol):
    """A call in progress as the shared state sees it (``telephony.sim.call.Call``)."""

    @property
    def person(self) -> Channel | None: ...
    @property
    def far(self) -> Channel | None: ...
    @property
    def agent1(self) -> Channel | None: ...
    @property
    def agent2(self) -> Channel | None: ...
    @property
    def finished(self) -> bool: ...
    @property
    def bridge_id(self) -> str: ...
    def forget_agent(self) -> None: ...

    def agent_changed(self) -> None: ...

    def request_hangup(self) -> None: ...


class PbxCore:
    """Everything a call needs from the PBX, without the network."""

    def __init__(
        self, config: SimulatorConfig, emit: Callable[[str], None], faults: Faults | None = None
    ) -> None:
        self.config = config
        self.faults = faults or Faults()
        self.emit = emit
        self.calls: dict[str, LiveCall] = {}  # by ChannelId of the person's channel
        self.channels: dict[str, Channel] = {}  # by Uniqueid and by channel name
        self.dial_log: list[DialRecord] = []
        self.calls_per_number: Counter[str] = Counter()
        # Call control the PBX carried out, and the supervisors' phones rung into ChanSpy.
        self.control_log: list[ControlRecord] = []
        self.spies: list[SpyRecord] = []
        self.held: set[str] = set()  # Linkedid of the calls whose legs wait apart
        # Linkedid -> what must happen once that call is over (a spy leaving with it).
        self._end_hooks: dict[str, list[Callable[[], None]]] = {}
        self._local_counter = 0x29
        self._sip_counter = 0
        self._unique_counter = 80
        self._epoch = int(time.time())

    def now(self) -> datetime:
        """Aware UTC now, on the configured clock (naive readings are taken as UTC)."""
        if self.config.clock is None:
            return datetime.now(UTC)
        moment = self.config.clock()
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def scaled(self, simulated_s: float) -> float:
        return max(0.0, simulated_s * self.config.time_factor)

    async def sleep(self, simulated_s: float) -> None:
        await asyncio.sleep(self.scaled(simulated_s))

    def next_local_suffix(self) -> str:
        self._local_counter += 1
        return f"{self._local_counter:08x}"

    def next_sip_suffix(self) -> str:
        self._sip_counter += 1
        return f"{self._sip_counter - 1:08x}"

    def next_uniqueid(self) -> str:
        self._unique_counter += 1
        return f"{self._epoch}.{self._unique_counter}"

    @staticmethod
    def new_bridge_id() -> str:
        return str(uuid.uuid4())

    def register(self, ch: Channel) -> Channel:
        self.channels[ch.uniqueid] = ch
        self.channels[ch.name] = ch
        return ch

    def forget(self, ch: Channel) -> None:
        self.channels.pop(ch.uniqueid, None)
        self.channels.pop(ch.name, None)

    def find(self, name_or_id: str) -> Channel | None:
        ch = self.channels.get(name_or_id)
        return ch if ch is not None and ch.alive else None

    def find_prefix(self, text: str) -> Channel | None:
        """A channel as AMI Bridge finds it (``ast_channel_get_by_name_prefix``): the first
        whose name, else whose Uniqueid, starts with ``text``, case aside.

        So a ChannelId such as dialer-1 also matches dialer-1-2 (its Local ;2) and
        dialer-10. Asterisk takes whichever its container yields first (seen on a real
        PBX: the ;2 was bridged to the agent); here the newest wins, so a caller naming
        a channel by its id goes wrong every time rather than now and then.
        """
        wanted = text.lower()
        # Registered under its name and its id: each channel once, oldest first.
        unique = {id(ch): ch for ch in self.channels.values()}
        live = [ch for ch in unique.values() if ch.alive]
        for field in ("name", "uniqueid"):
            found = [ch for ch in live if str(getattr(ch, field)).lower().startswith(wanted)]
            if found:
                return found[-1]
        return None

    def live_channels(self) -> list[Channel]:
        """Live channels in the order CoreShowChannels lists them (file 20)."""
        found = []
        for call in self.calls.values():
            for ch in (call.person, call.far, call.agent2, call.agent1):
                if ch is not None and ch.alive:
                    found.append(ch)
        return found

    def bridge_peer(self, ch: Channel) -> Channel | None:
        """The other party of the bridge ``ch`` is in: the person's or the agent's channel."""
        call = self.calls.get(ch.linkedid)
        if call is None or not call.bridge_id:
            return None
        if ch is call.agent1:
            return call.person
        return call.agent1 if ch is call.person else None

    def when_call_ends(self, linkedid: str, hook: Callable[[], None]) -> None:
        self._end_hooks.setdefault(linkedid, []).append(hook)

    def call_ended(self, linkedid: str) -> None:
        for hook in self._end_hooks.pop(linkedid, []):
            hook()

    def log_dial(self, record: DialRecord) -> None:
        self.dial_log.append(record)
        self._append_line(record.dial_line())

    def log_end(self, record: DialRecord, result: str, cause: int) -> None:
        if record.result is not None:
            return
        record.result, record.cause = result, cause
        record.ended_at = self.now()
        self._append_line(record.end_line())

    def _append_line(self, text: str) -> None:
        path = self.config.dial_log_path
        if path is None:
            return
        # One short append per dial: simpler than a writer task, and a crash loses nothing.
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
