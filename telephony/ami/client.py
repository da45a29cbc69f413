"""The AMI adapter the dialer talks to: actions, call tracking, reconciliation.

Every Originate is tracked before it is written, so an event that beats the
response (the dialplan's UserEvent often does) is never lost, and every
tracked call ends with exactly one final CallUpdate to the observer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from telephony.ami.calls import CallTracker
from telephony.ami.connection import AmiConnection, ConnectionSettings, RoundTripHook
from telephony.ami.errors import (
    AmiActionError,
    AmiDisconnected,
    AmiError,
    AmiNotConnected,
    AmiTimeout,
    OriginateUncertain,
)
from telephony.ami.frames import (
    DialTemplate,
    HeaderValue,
    check_agent_dial,
    check_headers,
    check_machine_action,
    check_variable_name,
    variable,
)
from telephony.ami.ratelimit import DEFAULT_RATE, TrunkLimiter
from telephony.ami.updates import CallObserver, CallUpdate
from telephony.results import CallResult, CallState

log = logging.getLogger(__name__)
# Updates stored in one transaction at most: a long backlog is taken in bounded bites.
DELIVERY_BATCH = 64

Message = Mapping[str, Any]


@dataclass(frozen=True)
class OriginateRequest:
    """One call to place. ``agent`` empty = predictive: the dialer sets AGENT on answer."""

    attempt_id: str
    number: str  # E.164
    dial: DialTemplate
    caller_id: str
    context: str = "dialer-connect"
    exten: str = "s"
    priority: int = 1
    timeout_ms: int = 30_000
    agent: str = ""
    abandon_ms: int = 2_000
    # Answering-machine detection's verdict handling, for ``[dialer-connect-amd]`` only.
    machine_action: str = ""

    @property
    def channel_id(self) -> str:
        return f"dialer-{self.attempt_id}"


def originate_headers(req: OriginateRequest, action_id: str) -> dict[str, HeaderValue]:
    variables = [
        variable("ATTEMPT_ID", req.attempt_id),
        variable("AGENT", check_agent_dial(req.agent) if req.agent else ""),
        variable("ABANDON_MS", str(req.abandon_ms)),
    ]
    if req.machine_action:
        variables.append(variable("MACHINE_ACTION", check_machine_action(req.machine_action)))
    return {
        "Action": "Originate",
        "ActionID": action_id,
        "Channel": req.dial.build(req.number),
        "Context": req.context,
        "Exten": req.exten,
        "Priority": str(req.priority),
        "Timeout": str(req.timeout_ms),
        "CallerID": req.caller_id,
        "Variable": variables,
        "ChannelId": req.channel_id,
        "OtherChannelId": f"{req.channel_id}-2",
        "Async": "true",
    }


class AmiClient:
    def __init__(
        self,
        settings: ConnectionSettings,
        observer: CallObserver,
        *,
        originate_rate: float = DEFAULT_RATE,
        trunk_rates: dict[str, float] | None = None,
        clock: Callable[[], float] = time.time,
        on_event_lag: Callable[[float], None] | None = None,
        on_round_trip: RoundTripHook | None = None,
        on_heard: Callable[[CallUpdate], None] | None = None,
    ) -> None:
        self.tracker = CallTracker(clock)
        self.connection = AmiConnection(
            settings, self._on_event, on_login=self._reconcile, on_round_trip=on_round_trip
        )
        self.limiter = TrunkLimiter(originate_rate, trunk_rates)
        self._observer = observer
        self._updates: asyncio.Queue[CallUpdate] = asyncio.Queue()
        self._arrivals: deque[float] = deque()  # perf_counter of each queued update
        self._on_event_lag = on_event_lag
        # Told of each update as it is heard, before it waits its turn to be delivered:
        # for what must not wait behind the storing of other calls (the screen pop).
        self._on_heard = on_heard
        self._delivery: asyncio.Task[None] | None = None
        self._serial = 0
        self._checks: set[asyncio.Task[None]] = set()

    async def start(self, timeout_s: float | None = 30.0) -> None:
        self._delivery = asyncio.create_task(self._deliver(), name="ami-call-updates")
        try:
            await self.connection.start(timeout_s)
        except BaseException:
            self._delivery.cancel()
            raise

    async def close(self) -> None:
        for check in list(self._checks):
            check.cancel()
        await self.connection.close()
        if self._delivery is not None:
            # Hand the observer what is already known, but a stuck observer
            # must not keep the service from shutting down.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates.join(), 5.0)
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery

    async def settle(self, timeout_s: float = 5.0) -> None:
        """Wait until the observer has every update known so far (say, after a login)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._updates.join(), timeout_s)

    @property
    def connected(self) -> bool:
        return self.connection.logged_in

    # -- calls ---------------------------------------------------------------
    async def originate(self, req: OriginateRequest) -> CallUpdate:
        """Place one call; returns the tracked call's first update.

        Raises UnsafeAmiValue/InvalidNumber or AmiNotConnected when nothing
        was sent; AmiActionError when Asterisk refused it (the call is then
        closed as failed through the observer too); OriginateUncertain when
        it was sent but not acknowledged (never redial: the final update
        will come). The library never re-sends it.
        """
        self._serial += 1
        action_id = f"orig-{req.channel_id}-{self._serial}"
        headers = originate_headers(req, action_id)
        check_headers(headers)
        await self.limiter.acquire(req.dial.trunk)
        if not self.connected:
            raise AmiNotConnected(f"originate {req.channel_id}: not connected to AMI")
        first = self.tracker.track(
            req.attempt_id, req.channel_id, f"{req.channel_id}-2", action_id, req.agent
        )
        try:
            reply = await self.connection.send(headers)
        except AmiNotConnected:
            self.tracker.untrack(req.channel_id)
            raise
        except AmiTimeout as exc:
            self._verify_later(req.channel_id, req.timeout_ms / 1000)
            raise OriginateUncertain(req.channel_id, exc) from exc
        except AmiDisconnected as exc:
            raise OriginateUncertain(req.channel_id, exc) from exc
        if reply.get("Response") != "Success":
            self._close(req.channel_id, CallResult.FAILED)
            raise AmiActionError("Originate", str(reply.get("Message", "")))
        return first

    def adopt(
        self, attempt_id: str, state: CallState, agent: str, created_at: float,
        answered_at: float | None = None, connected_at: float | None = None,
    ) -> str:  # fmt: skip
        """Follow a call an earlier life placed (before ``start``: the login checks it
        is still up, else it ends ``ended_while_disconnected``); returns its channel id."""
        channel_id = f"dialer-{attempt_id}"
        self.tracker.adopt(
            attempt_id, channel_id, f"{channel_id}-2", agent, state, created_at, answered_at,
            connected_at,
        )  # fmt: skip
        return channel_id

    async def hangup(self, channel_id: str, cause: int = 16) -> None:
        await self._checked({"Action": "Hangup", "Channel": channel_id, "Cause": str(cause)})

    async def setvar(self, channel_id: str, name: str, value: str) -> None:
        """Set a channel variable; ``setvar(ch, "AGENT", "PJSIP/901")`` hands a call over."""
        check_variable_name(name)
        if name == "AGENT" and value:
            check_agent_dial(value)
        headers = {"Action": "Setvar", "Channel": channel_id, "Variable": name, "Value": value}
        await self._checked(headers)
        if name == "AGENT":
            self.tracker.set_agent(channel_id, value)

    async def getvar(self, channel_id: str, name: str) -> str:
        check_variable_name(name)
        reply = await self._checked({"Action": "Getvar", "Channel": channel_id, "Variable": name})
        return str(reply.get("Value", ""))

    async def control(self, headers: Mapping[str, HeaderValue]) -> Message:
        """One call-control action, as ``telephony.ami.control`` builds it (checked again)."""
        check_headers(headers)
        return await self._checked(headers)

    async def core_show_channels(self) -> list[dict[str, str]]:
        return await self._list({"Action": "CoreShowChannels"}, "CoreShowChannel")

    async def status(self, channel_id: str | None = None) -> list[dict[str, str]]:
        headers = {"Action": "Status"} | ({"Channel": channel_id} if channel_id else {})
        return await self._list(headers, "Status")

    async def ping(self) -> bool:
        reply = await self._checked({"Action": "Ping"})
        return reply.get("Ping") == "Pong"

    # -- plumbing ------------------------------------------------------------
    async def _checked(self, headers: Mapping[str, HeaderValue]) -> Message:
        reply: Message = await self.connection.send(headers)
        if reply.get("Response") not in ("Success", "Follows", "Goodbye"):
            raise AmiActionError(str(headers["Action"]), str(reply.get("Message", "")))
        return reply

    async def _list(self, headers: Mapping[str, HeaderValue], item: str) -> list[dict[str, str]]:
        replies = await self.connection.send(headers, as_list=True)
        if not isinstance(replies, list):
            raise AmiActionError(str(headers["Action"]), str(replies.get("Message", "")))
        return [dict(m.items()) for m in replies if m.get("Event") == item]

    def _on_event(self, event: Message) -> None:
        update = self.tracker.feed(event)
        if update is not None:
            self._enqueue(update)
        elif event.get("Event") == "Hangup":
            self._finish_after_hangup(event.get("Uniqueid", ""))

    def _finish_after_hangup(self, channel_id: str) -> None:
        call = self.tracker.get(channel_id)
        if call is None or call.channel_id != channel_id or call.result is not None:
            return
        # What explains the result normally follows the Hangup within milliseconds;
        # past the action timeout it is not coming.
        delay = self.connection.settings.action_timeout_s
        asyncio.get_running_loop().call_later(delay, self._close_hung_up, channel_id)

    def _close_hung_up(self, channel_id: str) -> None:
        update = self.tracker.finish_hung_up(channel_id)
        if update is not None:
            log.warning("call %s closed without its final events", channel_id)
            self._enqueue(update)

    def _enqueue(self, update: CallUpdate) -> None:
        self._arrivals.append(time.perf_counter())
        self._updates.put_nowait(update)
        if self._on_heard is not None:
            try:
                self._on_heard(update)
            except Exception:
                log.exception("early listener failed on %s", update.channel_id)

    def _close(self, channel_id: str, result: CallResult) -> None:
        update = self.tracker.fail(channel_id, result)
        if update is not None:
            self._enqueue(update)

    def _verify_later(self, channel_id: str, ring_s: float) -> None:
        task = asyncio.create_task(self._verify(channel_id, ring_s))
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    async def _verify(self, channel_id: str, ring_s: float) -> None:
        """An unacknowledged Originate on a live link: did the PBX ever take it?

        Without this, a request Asterisk silently lost would stay "dialing"
        forever. Once the ring time has passed, a call the PBX neither
        answered for nor holds a channel of is closed as failed.
        """
        await asyncio.sleep(ring_s + self.connection.settings.action_timeout_s)
        call = self.tracker.get(channel_id)
        if call is None or call.response_seen or call.channel_seen:
            return
        try:
            live = {c.get("Uniqueid", "") for c in await self.core_show_channels()}
        except AmiError:
            return  # the reconnect's reconciliation will decide
        if channel_id not in live and call.result is None and not call.channel_seen:
            self._close(channel_id, CallResult.FAILED)

    async def _reconcile(self) -> None:
        """On every login: calls tracked before it and gone from the PBX are closed."""
        tracked = self.tracker.open_channel_ids()
        channels = await self.core_show_channels()
        live = {c.get("Uniqueid", "") for c in channels}
        for update in self.tracker.close_missing(tracked, live):
            log.warning("call %s ended while AMI was disconnected", update.channel_id)
            self._enqueue(update)
        self.tracker.mark_events_missed(tracked)

    async def _deliver(self) -> None:
        # An observer that stores updates (the dialer) takes those waiting together:
        # one database transaction for many instead of a queue growing behind one each.
        many = getattr(self._observer, "on_call_updates", None)
        while True:
            batch = [await self._updates.get()]
            while many is not None and len(batch) < DELIVERY_BATCH and not self._updates.empty():
                batch.append(self._updates.get_nowait())
            self._note_lag(len(batch))
            try:
                if many is not None:
                    await many(batch)
                else:
                    await self._observer.on_call_update(batch[0])
            except Exception:
                log.exception("call observer failed on %s", batch[0].channel_id)
            finally:
                for _ in batch:
                    self._updates.task_done()

    def _note_lag(self, delivered: int) -> None:
        for _ in range(delivered):
            arrived = self._arrivals.popleft() if self._arrivals else None
            if self._on_event_lag is not None and arrived is not None:
                self._on_event_lag(time.perf_counter() - arrived)
