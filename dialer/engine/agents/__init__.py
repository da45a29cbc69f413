"""Agents' presence as a pure state machine: what pacing reads about the people who take calls."""

from dialer.engine.agents.machine import (
    AgentView,
    IllegalTransition,
    agent_view,
    expected_free_in,
    settle,
    transition,
)
from dialer.engine.agents.states import TRANSITIONS, AgentEvent, AgentState, AgentStatus

__all__ = [
    "TRANSITIONS",
    "AgentEvent",
    "AgentState",
    "AgentStatus",
    "AgentView",
    "IllegalTransition",
    "agent_view",
    "expected_free_in",
    "settle",
    "transition",
]
