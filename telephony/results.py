"""The words a call ends with, shared by the adapter, the simulator and the dialer."""

from __future__ import annotations

from enum import StrEnum


class CallState(StrEnum):
    """Where a call stands while it lives."""

    DIALING = "dialing"
    RINGING = "ringing"
    ANSWERED = "answered"
    CONNECTED = "connected"
    ENDED = "ended"


class CallResult(StrEnum):
    """The one result every call attempt ends with."""

    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    INVALID_NUMBER = "invalid_number"
    FAILED = "failed"
    # The network or the PBX could not carry the call (trunk down, no route, no
    # channel): nothing is known of the person, so it never counts against them.
    NETWORK_FAILURE = "network_failure"
    ABANDONED = "abandoned"
    MACHINE = "machine"
    ENDED_WHILE_DISCONNECTED = "ended_while_disconnected"


# Results that say by themselves a human answered.
REACHED_RESULTS = frozenset({CallResult.ANSWERED, CallResult.ABANDONED})


def is_reached(result: str | None, answered_at: object, connected_at: object) -> bool:
    """A person was reached when a human answered, whatever ended the call afterwards.

    The answer or agent-connect time stands even when the result is that of an
    AMI outage, a worker crash or a drain: the conversation happened. An
    answering machine picks up too, but nobody talked.
    """
    if connected_at is not None or result in REACHED_RESULTS:
        return True
    return answered_at is not None and result != CallResult.MACHINE
