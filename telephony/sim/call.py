"""One originated call: its channels, its waits and what wakes it.

Each call is one coroutine; the person's own dialplan steps that merely add a
line to the log run from ``loop.call_later`` so no task is made per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from telephony.sim.channels import Channel
from telephony.sim.config import DialRecord
from telephony.sim.core import PbxCore
from telephony.sim.population import Behaviour
from telephony.sim.request import OriginateRequest


@dataclass
class Consultation:
    """An attended transfer under way (telephony.sim.atxfer): the destination and the
    channels and bridges Asterisk made for it."""

    context: str
    exten: str
    dialled: bool
    bridge: str = ""  # the agent's channel and the transfer channel's ;1
    dial_bridge: str = ""  # the transfer channel's ;2 and the destination
    legs: dict[str, Channel] = field(default_factory=dict)  # t1, t2, d1, d2
    started: bool = False
    completed: bool = False

    def leg(self, name: str) -> Channel:
        return self.legs[name]


class Call:
    def __init__(
        self, pbx: PbxCore, req: OriginateRequest, behaviour: Behaviour, record: DialRecord
    ) -> None:
        self.pbx = pbx
        self.req = req
        self.behaviour = behaviour
        self.record = record
        self.number, self.where = req.target
        self.person: Channel | None = None  # ;1 of a Local pair, or the PJSIP channel
        self.far: Channel | None = None  # ;2 of a Local pair (the person's dialplan)
        self.agent1: Channel | None = None
        self.agent2: Channel | None = None
        self.agent_device = ""  # the agent's device, as DeviceStateChange names it
        self.bridge_id = ""
        # Held: the legs wait apart (music, Wait). Detached: they left the agent's Dial
        # (a hold, even resumed), so each runs its own context to its end.
        self.held = False
        self.detached = False
        self.consultation: Consultation | None = None
        # How the call comes apart once call control reshaped it (an attended transfer
        # completed); called with True for the dialer's Hangup, False for the person's.
        self.ender: Callable[[bool], None] | None = None
        self.client_hangup = False
        self.person_gone = False
        self.answered_at = 0.0
        self.dialed_at = 0.0
        self.connected_at = 0.0  # when the connect context took the answer (ANSWERED_AT_MS)
        self._wake = asyncio.Event()
        self._timers: list[asyncio.TimerHandle] = []

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def emit(self, *frames: str) -> None:
        self.pbx.emit("".join(frames))

    def later(self, simulated_s: float, callback: Callable[[], None]) -> None:
        self._timers.append(self.loop.call_later(self.pbx.scaled(simulated_s), callback))

    def emit_later(self, simulated_s: float, build: Callable[[], str]) -> None:
        def fire() -> None:
            if not self.finished:
                self.emit(build())

        self.later(simulated_s, fire)

    @property
    def finished(self) -> bool:
        return self.person is None or not self.person.alive

    def wake(self) -> None:
        self._wake.set()

    def forget_agent(self) -> None:
        """The agent's legs left the call (an attended transfer completed): its end no longer
        hangs them up, and CoreShowChannels no longer lists them."""
        self.agent1 = self.agent2 = None

    def request_hangup(self) -> None:
        self.client_hangup = True
        self.wake()

    def agent_changed(self) -> None:
        self.wake()

    def schedule_person_hangup(self, simulated_s: float) -> None:
        def gone() -> None:
            self.person_gone = True
            self.wake()

        self.later(simulated_s, gone)

    @property
    def interrupted(self) -> bool:
        return self.client_hangup or self.person_gone

    async def pause(self, simulated_s: float) -> bool:
        """Wait simulated time; True when the client or the person ended it meanwhile."""
        if self.interrupted:
            return True
        self._wake.clear()
        timeout = None if math.isinf(simulated_s) else self.pbx.scaled(simulated_s)
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            return self.interrupted
        return True

    async def poll_wait(self, real_s: float) -> bool:
        """One Wait of the dialplan's AGENT poll, in real seconds; True if the call ended.

        It ends early once AGENT is set: the rest of a 100-ms Wait shows in no event,
        and a wait stretched by ``min_agent_wait_real_s`` must not keep the agent waiting.
        """
        deadline = self.loop.time() + real_s
        while not self.interrupted and not self.agent():
            remaining = deadline - self.loop.time()
            if remaining <= 0:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), remaining)
        return self.interrupted

    async def wait_for_agent(self, simulated_s: float) -> bool:
        """Wait until AGENT is set; False on timeout or hangup."""
        floor = self.pbx.config.min_agent_wait_real_s
        deadline = self.loop.time() + max(self.pbx.scaled(simulated_s), floor)
        while not self.agent():
            remaining = deadline - self.loop.time()
            if self.interrupted or remaining <= 0:
                return False
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except TimeoutError:
                return bool(self.agent()) and not self.interrupted
        return not self.interrupted

    def agent(self) -> str:
        if self.person is None:
            return ""
        return self.person.variables.get("AGENT", "")

    def elapsed_ms(self, since: float) -> int:
        factor = self.pbx.config.time_factor or 1.0
        return int((self.loop.time() - since) * 1000 / factor)

    def end(self, result: str, cause: int) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for ch in (self.person, self.far, self.agent1, self.agent2):
            if ch is not None:
                ch.alive = False
                self.pbx.forget(ch)
        self.pbx.log_end(self.record, result, cause)
        self.pbx.calls.pop(self.req.channel_id, None)
        self.pbx.call_ended(self.req.channel_id)
