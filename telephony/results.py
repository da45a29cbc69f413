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


# A person was reached (for the 4-in-30-days rule) when a human answered.
REACHED_RESULTS = frozenset({CallResult.ANSWERED, CallResult.ABANDONED})
