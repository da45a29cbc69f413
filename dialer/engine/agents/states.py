"""Agent states, the events that move them, and the table of allowed transitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"  # held for one record or one call (preview, progressive)
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class AgentEvent(StrEnum):
    LOG_IN = "log_in"
    LOG_OUT = "log_out"
    MAKE_AVAILABLE = "make_available"
    RESERVE = "reserve"
    RELEASE = "release"
    CONNECT = "connect"
    HANG_UP = "hang_up"
    WRAP_UP_EXPIRED = "wrap_up_expired"
    PAUSE = "pause"


_S = AgentState
_E = AgentEvent

# Read at a glance: (from, event) -> to. Anything missing is illegal.
TRANSITIONS: Mapping[tuple[AgentState, AgentEvent], AgentState] = MappingProxyType(
    {
        # An agent logs in paused and sets itself available when ready to take calls.
        (_S.LOGGED_OUT, _E.LOG_IN): _S.PAUSED,
        (_S.PAUSED, _E.MAKE_AVAILABLE): _S.AVAILABLE,
        (_S.PAUSED, _E.PAUSE): _S.PAUSED,  # change of pause reason
        (_S.PAUSED, _E.LOG_OUT): _S.LOGGED_OUT,
        (_S.AVAILABLE, _E.RESERVE): _S.RESERVED,
        (_S.AVAILABLE, _E.CONNECT): _S.ON_CALL,  # predictive: the call finds a free agent
        (_S.AVAILABLE, _E.PAUSE): _S.PAUSED,
        (_S.AVAILABLE, _E.LOG_OUT): _S.LOGGED_OUT,
        (_S.RESERVED, _E.CONNECT): _S.ON_CALL,
        (_S.RESERVED, _E.RELEASE): _S.AVAILABLE,  # skipped record or unanswered call
        (_S.ON_CALL, _E.HANG_UP): _S.WRAP_UP,
        (_S.WRAP_UP, _E.WRAP_UP_EXPIRED): _S.AVAILABLE,
        (_S.WRAP_UP, _E.MAKE_AVAILABLE): _S.AVAILABLE,  # done before the wrap-up time
        (_S.WRAP_UP, _E.PAUSE): _S.PAUSED,
    }
)


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """Where an agent stands, since when, and until when its wrap-up may last."""

    state: AgentState
    since: datetime
    pause_reason: str | None = None
    wrap_up_until: datetime | None = None

    @classmethod
    def logged_out(cls, now: datetime) -> AgentStatus:
        return cls(AgentState.LOGGED_OUT, now)
