"""Per-call state machine fed with AMI events (plain header mappings, no I/O).

Events reach a call through the Uniqueid of one of its two channels: our
ChannelId (the person's channel, or ``;1`` of a Local pair) and OtherChannelId
(``;2`` of a Local pair). The agent leg's channels only share the Linkedid;
nothing they say changes the call's result, so they are dropped by the same
dict lookup that routes everything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from telephony.ami.classify import ANSWERED_REASON, classify_answered, classify_unanswered
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState

Event = Mapping[str, str]
Clock = Callable[[], float]

_UP_STATES = frozenset({"Up", "6"})
_RINGING_STATES = frozenset({"Ringing", "5"})
_QUIET_CAUSES = frozenset({"", "0", "16"})


@dataclass(slots=True)
class Call:
    attempt_id: str
    channel_id: str
    other_channel_id: str
    action_id: str
    agent: str
    created_at: float
    state: CallState = CallState.DIALING
    result: CallResult | None = None
    reason: str = ""
    cause: str = ""
    tech_cause: str = ""
    other_cause: str = ""
    amd_status: str = ""
    amd_cause: str = ""
    response_seen: bool = False
    channel_seen: bool = False
    other_seen: bool = False
    main_hungup: bool = False
    other_hungup: bool = False
    # Alive across a reconnect: events said while AMI was down are gone for good.
    events_missed: bool = False
    abandoned: bool = False
    waiting_for_agent: bool = False
    answered_at: float | None = None
    connected_at: float | None = None
    ended_at: float | None = None

    def snapshot(self, at: float) -> CallUpdate:
        return CallUpdate(
            attempt_id=self.attempt_id,
            channel_id=self.channel_id,
            state=self.state,
            result=self.result,
            reason=self.reason,
            cause=self.cause,
            tech_cause=self.tech_cause,
            amd_status=self.amd_status,
            amd_cause=self.amd_cause,
            waiting_for_agent=self.waiting_for_agent,
            agent=self.agent,
            created_at=self.created_at,
            answered_at=self.answered_at,
            connected_at=self.connected_at,
            ended_at=self.ended_at,
            at=at,
        )


class CallTracker:
    """Routes events to calls and turns them into CallUpdates.

    ``feed`` returns at most one update per event, or None when the event
    changes nothing (most of the traffic: VarSet, Newexten, agent legs).
    """

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._by_uniqueid: dict[str, Call] = {}
        self._by_action: dict[str, Call] = {}
        self._handlers: dict[str, Callable[[Event], CallUpdate | None]] = {
            "OriginateResponse": self.on_originate_response,
            "Newchannel": self.on_newchannel,
            "Newstate": self.on_newstate,
            "UserEvent": self.on_user_event,
            "BridgeEnter": self.on_bridge_enter,
            "Hangup": self.on_hangup,
        }
        self._user_events: dict[str, Callable[[Call, Event], CallUpdate | None]] = {
            "DialerAnswered": self.on_dialer_answered,
            "DialerAbandoned": self.on_dialer_abandoned,
            "DialerAMD": self.on_dialer_amd,
        }

    # -- bookkeeping -------------------------------------------------------
    def track(
        self, attempt_id: str, channel_id: str, other_channel_id: str, action_id: str, agent: str
    ) -> CallUpdate:
        call = Call(attempt_id, channel_id, other_channel_id, action_id, agent, self._clock())
        self._by_uniqueid[channel_id] = call
        self._by_uniqueid[other_channel_id] = call
        self._by_action[action_id] = call
        return call.snapshot(call.created_at)

    def adopt(
        self, attempt_id: str, channel_id: str, other_channel_id: str, agent: str,
        state: CallState, created_at: float, answered_at: float | None,
        connected_at: float | None,
    ) -> None:  # fmt: skip
        """Follow again a call placed by an earlier life of this process.

        Its earlier events are lost: its channel's Hangup alone ends it, and the
        next login's reconciliation closes it if the PBX no longer has it.
        """
        call = Call(
            attempt_id, channel_id, other_channel_id, f"adopted-{channel_id}", agent,
            created_at, state=state, answered_at=answered_at, connected_at=connected_at,
            response_seen=answered_at is not None, channel_seen=True, events_missed=True,
        )  # fmt: skip
        self._by_uniqueid[channel_id] = call
        self._by_uniqueid[other_channel_id] = call
        self._by_action[call.action_id] = call

    def get(self, channel_id: str) -> Call | None:
        return self._by_uniqueid.get(channel_id)

    def open_channel_ids(self) -> list[str]:
        return [c.channel_id for c in self._by_action.values()]

    def __len__(self) -> int:
        return len(self._by_action)

    def set_agent(self, channel_id: str, agent: str) -> None:
        call = self._by_uniqueid.get(channel_id)
        if call is not None:
            call.agent = agent

    def untrack(self, channel_id: str) -> None:
        """Forget a call that was never sent."""
        call = self._by_uniqueid.get(channel_id)
        if call is not None:
            self._forget(call)

    def fail(self, channel_id: str, result: CallResult) -> CallUpdate | None:
        """Close a call the PBX will say nothing more about."""
        call = self._by_uniqueid.get(channel_id)
        if call is None:
            return None
        call.result = result
        return self._end(call)

    def close_missing(self, tracked: Iterable[str], live: set[str]) -> list[CallUpdate]:
        """After a reconnect: calls tracked before it and gone from the PBX."""
        updates = []
        for channel_id in tracked:
            call = self._by_uniqueid.get(channel_id)
            if call is None or call.channel_id in live or call.other_channel_id in live:
                continue
            updates.append(self._closed(call, CallResult.ENDED_WHILE_DISCONNECTED))
        return updates

    def mark_events_missed(self, tracked: Iterable[str]) -> None:
        """After a reconnect: the calls that outlived it may never hear their lost events."""
        for channel_id in tracked:
            call = self._by_uniqueid.get(channel_id)
            if call is not None:
                call.events_missed = True

    def finish_hung_up(self, channel_id: str) -> CallUpdate | None:
        """End a call whose channel is gone but whose explanation never came.

        The OriginateResponse or the other half's Hangup can be lost (a reconnect,
        a PBX that dropped an event): the call is then closed with what is known,
        so no call stays open forever once its channel hung up.
        """
        call = self._by_uniqueid.get(channel_id)
        if call is None or call.result is not None or not call.main_hungup:
            return None
        return self._finish(call)

    # -- routing -----------------------------------------------------------
    def feed(self, event: Event) -> CallUpdate | None:
        handler = self._handlers.get(event.get("Event", ""))
        if handler is None:
            return None
        return handler(event)

    def _main(self, event: Event) -> Call | None:
        call = self._by_uniqueid.get(event.get("Uniqueid", ""))
        if call is None or call.channel_id != event.get("Uniqueid"):
            return None
        return call

    # -- handlers ----------------------------------------------------------
    def on_originate_response(self, event: Event) -> CallUpdate | None:
        call = self._by_uniqueid.get(event.get("Uniqueid", ""))
        if call is None:
            call = self._by_action.get(event.get("ActionID", ""))
        if call is None or call.result is not None:
            return None
        call.response_seen = True
        call.reason = event.get("Reason", "")
        if event.get("Response") == "Success" and call.reason == ANSWERED_REASON:
            return self._answered(call)
        # The Hangup carrying the real cause may come after this event; wait
        # for it unless the channel never existed (unknown endpoint).
        if not call.channel_seen or self._ready(call):
            return self._finish(call)
        return None

    def on_newchannel(self, event: Event) -> CallUpdate | None:
        call = self._by_uniqueid.get(event.get("Uniqueid", ""))
        if call is not None:
            if call.channel_id == event.get("Uniqueid"):
                call.channel_seen = True
            else:
                call.other_seen = True
        return None

    def on_newstate(self, event: Event) -> CallUpdate | None:
        call = self._main(event)
        if call is None:
            return None
        call.channel_seen = True
        desc = event.get("ChannelStateDesc", "")
        if desc in _UP_STATES:
            return self._answered(call)
        if desc in _RINGING_STATES and call.state is CallState.DIALING:
            call.state = CallState.RINGING
            return call.snapshot(self._clock())
        return None

    def on_user_event(self, event: Event) -> CallUpdate | None:
        handler = self._user_events.get(event.get("UserEvent", ""))
        if handler is None:
            return None
        call = self._main(event)
        if call is None or call.result is not None:
            return None
        return handler(call, event)

    def on_dialer_answered(self, call: Call, event: Event) -> CallUpdate | None:
        self._mark_answered(call)
        call.waiting_for_agent = call.state is CallState.ANSWERED and not call.agent
        return call.snapshot(self._clock())

    def on_dialer_abandoned(self, call: Call, event: Event) -> CallUpdate | None:
        self._mark_answered(call)
        call.abandoned = True
        call.waiting_for_agent = False
        return call.snapshot(self._clock())

    def on_dialer_amd(self, call: Call, event: Event) -> CallUpdate | None:
        call.amd_status = event.get("Status", "")
        call.amd_cause = event.get("Cause", "")
        return call.snapshot(self._clock())

    def on_bridge_enter(self, event: Event) -> CallUpdate | None:
        call = self._main(event)
        if call is None or call.state is CallState.CONNECTED or call.result is not None:
            return None
        self._mark_answered(call)
        call.state = CallState.CONNECTED
        call.waiting_for_agent = False
        call.connected_at = self._clock()
        return call.snapshot(call.connected_at)

    def on_hangup(self, event: Event) -> CallUpdate | None:
        uniqueid = event.get("Uniqueid", "")
        call = self._by_uniqueid.get(uniqueid)
        if call is None or call.result is not None:
            return None
        if uniqueid == call.other_channel_id:
            call.other_hungup = True
            call.other_cause = event.get("Cause", "")
            return self._finish(call) if self._ready(call) else None
        call.channel_seen = call.main_hungup = True
        call.cause = event.get("Cause", "")
        call.tech_cause = event.get("TechCause", "")
        return self._finish(call) if self._ready(call) else None

    # -- transitions -------------------------------------------------------
    def _ready(self, call: Call) -> bool:
        """Whether everything that can explain the result has arrived."""
        if not call.main_hungup:
            return False
        if call.answered_at is not None or call.events_missed:
            return True
        if not call.response_seen:
            return False
        # A Local ;1 often hangs up with cause 0 while ;2 holds the real one.
        waiting_other = call.other_seen and not call.other_hungup
        return not (waiting_other and call.cause in _QUIET_CAUSES and call.reason == "0")

    def _mark_answered(self, call: Call) -> None:
        if call.answered_at is None:
            call.answered_at = self._clock()
        if call.state in (CallState.DIALING, CallState.RINGING):
            call.state = CallState.ANSWERED

    def _answered(self, call: Call) -> CallUpdate | None:
        if call.answered_at is not None:
            return None
        self._mark_answered(call)
        return call.snapshot(call.answered_at or self._clock())

    def _finish(self, call: Call) -> CallUpdate:
        if call.answered_at is not None:
            call.result = classify_answered(call.amd_status, call.abandoned)
        else:
            call.result = classify_unanswered(
                call.reason, call.cause, call.other_cause, channel_seen=call.channel_seen
            )
        return self._end(call)

    def _closed(self, call: Call, result: CallResult) -> CallUpdate:
        call.result = result
        return self._end(call)

    def _end(self, call: Call) -> CallUpdate:
        call.state = CallState.ENDED
        call.waiting_for_agent = False
        call.ended_at = self._clock()
        self._forget(call)
        return call.snapshot(call.ended_at)

    def _forget(self, call: Call) -> None:
        self._by_uniqueid.pop(call.channel_id, None)
        self._by_uniqueid.pop(call.other_channel_id, None)
        self._by_action.pop(call.action_id, None)
