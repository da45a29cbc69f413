"""What the dialer hears about a call: one CallUpdate per transition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from telephony.results import CallResult, CallState


@dataclass(frozen=True, slots=True)
class CallUpdate:
    """A call's situation right after a transition.

    ``waiting_for_agent`` is true once the person answered a predictive call
    placed with an empty AGENT: the dialer must now pick an agent and call
    ``AmiClient.setvar(channel_id, "AGENT", extension)`` before ABANDON_MS runs
    out. ``result`` is set only when ``state`` is ENDED.
    """

    attempt_id: str
    channel_id: str
    state: CallState
    result: CallResult | None
    reason: str
    cause: str
    tech_cause: str
    amd_status: str
    amd_cause: str
    waiting_for_agent: bool
    agent: str
    created_at: float
    answered_at: float | None
    connected_at: float | None
    ended_at: float | None
    at: float


class CallObserver(Protocol):
    """Receives every transition of every tracked call, in order."""

    async def on_call_update(self, update: CallUpdate) -> None: ...
