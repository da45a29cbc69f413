"""Replays a recorded transcript through a CallTracker (shared by the replay tests)."""

from __future__ import annotations

import itertools

from telephony.ami.calls import CallTracker
from telephony.ami.updates import CallUpdate
from telephony.transcripts import Transcript, WireMessage


def variables(message: WireMessage) -> dict[str, str]:
    pairs = (v.partition("=") for k, v in message.headers if k == "Variable")
    return {name: value for name, _, value in pairs}


def replay(transcript: Transcript) -> tuple[CallTracker, list[CallUpdate]]:
    """Track every Originate the client sent, feed every event Asterisk sent."""
    ticks = itertools.count(1)
    tracker = CallTracker(clock=lambda: float(next(ticks)))
    updates: list[CallUpdate] = []
    for message in transcript.messages:
        if message.direction == ">>>" and message.get("Action") == "Originate":
            var = variables(message)
            tracker.track(
                attempt_id=var["ATTEMPT_ID"],
                channel_id=message.get("ChannelId") or "",
                other_channel_id=message.get("OtherChannelId") or "",
                action_id=message.get("ActionID") or "",
                agent=var.get("AGENT", ""),
            )
        elif message.direction == "<<<" and message.is_event:
            update = tracker.feed(dict(message.headers))
            if update is not None:
                updates.append(update)
    return tracker, updates


def finals(updates: list[CallUpdate]) -> dict[str, str]:
    return {u.attempt_id: str(u.result) for u in updates if u.result is not None}
