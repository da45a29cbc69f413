"""Apply events to an agent's status, end wrap-ups on time, and say when an agent will be free."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from dialer.core.errors import DomainError
from dialer.engine.agents.states import TRANSITIONS, AgentEvent, AgentState, AgentStatus


class IllegalTransition(ValueError):
    """An event that the agent's current state does not allow."""

    def __init__(self, state: AgentState, event: AgentEvent, detail: str = "") -> None:
        self.state = state
        self.event = event
        message = f"transition interdite : « {event} » depuis l'état « {state} »"
        super().__init__(f"{message} ({detail})" if detail else message)


def transition(
    status: AgentStatus,
    event: AgentEvent,
    now: datetime,
    *,
    wrap_up_seconds: float = 30.0,
    pause_reason: str | None = None,
) -> AgentStatus:
    """The status after ``event`` at ``now``; ``wrap_up_seconds`` is the campaign's wrap-up time."""
    target = TRANSITIONS.get((status.state, event))
    if target is None:
        raise IllegalTransition(status.state, event)
    if event is AgentEvent.PAUSE:
        if not pause_reason or not pause_reason.strip():
            raise IllegalTransition(status.state, event, "une pause doit avoir un motif")
        return AgentStatus(target, now, pause_reason=pause_reason.strip())
    if event is AgentEvent.WRAP_UP_EXPIRED:
        if status.wrap_up_until is not None and now < status.wrap_up_until:
            raise IllegalTransition(status.state, event, "le temps de clôture n'est pas écoulé")
        return AgentStatus(target, now)
    if event is AgentEvent.HANG_UP:
        if wrap_up_seconds < 0:
            raise DomainError("le temps de clôture ne peut pas être négatif")
        until = now + timedelta(seconds=wrap_up_seconds)
        return AgentStatus(target, now, wrap_up_until=until)
    return AgentStatus(target, now)


def settle(status: AgentStatus, now: datetime) -> AgentStatus:
    """End a wrap-up whose time is up: the agent became available when it expired, not later."""
    until = status.wrap_up_until
    if status.state is AgentState.WRAP_UP and until is not None and until <= now:
        return transition(status, AgentEvent.WRAP_UP_EXPIRED, until)
    return status


def expected_free_in(
    status: AgentStatus, now: datetime, *, mean_talk_seconds: float, wrap_up_seconds: float
) -> float | None:
    """Seconds until the agent can take a call, ``None`` when it will not without acting."""
    elapsed = (now - status.since).total_seconds()
    return _free_in(status, now, elapsed, mean_talk_seconds, wrap_up_seconds)


def _free_in(
    status: AgentStatus, now: datetime, elapsed: float, mean_talk: float, wrap_up: float
) -> float | None:
    state = status.state
    if state is AgentState.AVAILABLE:
        return 0.0
    if state is AgentState.WRAP_UP:
        if status.wrap_up_until is None:
            return 0.0
        return max(0.0, (status.wrap_up_until - now).total_seconds())
    if state is AgentState.ON_CALL:
        # Past the mean talk time the best guess is "soon", never "now".
        remaining = max(mean_talk - elapsed, 0.1 * mean_talk)
        return remaining + wrap_up
    return None


class AgentView(NamedTuple):
    """What pacing sees of one agent: its state, time in it, and expected time until free.

    A named tuple rather than a frozen dataclass: a dialer builds one per agent every second.
    """

    state: AgentState
    in_state_s: float
    free_in_s: float | None


def agent_view(
    status: AgentStatus, now: datetime, *, mean_talk_seconds: float, wrap_up_seconds: float
) -> AgentView:
    elapsed = (now - status.since).total_seconds()
    free_in = _free_in(status, now, elapsed, mean_talk_seconds, wrap_up_seconds)
    return AgentView(status.state, elapsed, free_in)
