"""Plain values pacing reads (snapshot, parameters) and the decision it returns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from dialer.campaigns.policies import PacingMode
from dialer.core.errors import DomainError
from dialer.engine.agents import AgentState, AgentView


class CallPhase(StrEnum):
    DIALING = "dialing"
    RINGING = "ringing"
    ANSWERED_WAITING = "answered_waiting"  # a person answered and waits for an agent


class CallView(NamedTuple):
    """A call placed but not yet connected to an agent (a named tuple: one per call per tick)."""

    phase: CallPhase
    age_s: float
    reserved: bool = False  # an agent is already held for it (preview, progressive)


@dataclass(frozen=True, slots=True)
class CallStats:
    """Recent measures of the campaign's calls; ``calls_observed`` counts finished attempts."""

    answer_rate: float = 0.0
    mean_answer_s: float = 8.0  # ring-to-answer of answered calls
    mean_no_answer_s: float = 20.0  # ring time of calls that were not answered
    mean_talk_s: float = 180.0
    mean_wrap_up_s: float = 30.0
    calls_observed: int = 0


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Today's answered and abandoned calls of the campaign, as the abandon definition counts."""

    answered: int = 0
    abandoned: int = 0


@dataclass(frozen=True, slots=True)
class PacingSnapshot:
    now: datetime
    agents: tuple[AgentView, ...]
    calls: tuple[CallView, ...] = ()
    stats: CallStats = CallStats()
    today: DayCounts = DayCounts()
    _counts: Counter[AgentState] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Counted once: pacing asks for the same counts several times per decision.
        object.__setattr__(self, "_counts", Counter(agent.state for agent in self.agents))

    def count(self, state: AgentState) -> int:
        return self._counts[state]

    @property
    def working_agents(self) -> int:
        """Logged in and not paused: the agents the campaign can count on."""
        idle = self._counts[AgentState.LOGGED_OUT] + self._counts[AgentState.PAUSED]
        return len(self.agents) - idle

    @property
    def unreserved_calls(self) -> int:
        return sum(1 for call in self.calls if not call.reserved)


@dataclass(frozen=True, slots=True)
class PacingParams:
    mode: PacingMode = PacingMode.PROGRESSIVE
    abandon_target: float = 0.03  # per campaign per day
    abandon_grace_s: float = 2.0  # an answered call not connected within this is abandoned
    # Aim below the target: the day's rate is noisy, more so with few agents.
    abandon_setpoint_ratio: float = 0.75
    max_lines_per_agent: float = 3.0  # calls in flight per working agent, whatever the model says
    min_dial_ratio: float = 1.0  # calls in flight per available agent, floor (1.0: progressive)
    max_dial_ratio: float = 8.0  # calls in flight per agent expected free within the ring timeout
    ring_timeout_s: float = 30.0
    warmup_calls: int = 60  # finished attempts before the model is trusted
    # Largest chance that one more call, once answered, finds no agent (tuned by the bench).
    base_marginal_risk: float = 0.006
    controller_gain: float = 2.0

    def __post_init__(self) -> None:
        # Campaigns store the mode as text: accept it, refuse an unknown one clearly.
        try:
            object.__setattr__(self, "mode", PacingMode(self.mode))
        except ValueError:
            raise DomainError(f"mode de pacing inconnu : {self.mode!r}") from None
        if not 0.0 < self.abandon_target < 1.0:
            raise DomainError("l'objectif d'abandon doit être compris entre 0 et 1 (exclus)")
        if not 0.0 < self.abandon_setpoint_ratio <= 1.0:
            raise DomainError("la marge sur l'objectif d'abandon doit être dans ]0, 1]")
        if self.abandon_grace_s < 0 or self.ring_timeout_s <= 0:
            raise DomainError("les délais de pacing doivent être positifs")
        if self.max_lines_per_agent < 1.0:
            raise DomainError("le plafond de lignes par agent doit valoir au moins 1")
        if not 0.0 <= self.min_dial_ratio <= self.max_dial_ratio:
            raise DomainError("le ratio d'appel minimal doit être inférieur au maximal")
        if self.warmup_calls < 0 or not 0.0 < self.base_marginal_risk < 1.0:
            raise DomainError("paramètres de prédiction invalides")

    @property
    def abandon_setpoint(self) -> float:
        return self.abandon_target * self.abandon_setpoint_ratio


@dataclass(frozen=True, slots=True)
class PacingDecision:
    lines_to_dial: int
    reason: str
    # Each line takes a free agent before dialling (progressive), so no answer can be
    # left without one: predictive's warm-up and its fall-back above the abandon target.
    agent_per_line: bool = False
