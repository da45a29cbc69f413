"""A campaign day as a discrete-event simulation, driving the production pacing and agent code.

The bench and the tests run it; it owns the telephone network and the people called (their
answer rate, ring and talk times), never the pacing: a ``Pacer`` is asked every tick how many
lines to dial (and whether each takes an agent first), from the same ``PacingSnapshot`` the
dialer builds in production.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from dialer.engine.agents import AgentEvent, AgentState, AgentStatus, agent_view, settle, transition
from dialer.engine.pacing.estimators import CallStatsEstimator
from dialer.engine.pacing.model import (
    CallPhase,
    CallView,
    DayCounts,
    PacingDecision,
    PacingSnapshot,
)

Pacer = Callable[[PacingSnapshot], PacingDecision]
_START = datetime(2026, 1, 5, 10, 0)


@dataclass(frozen=True, slots=True)
class SimConfig:
    agents: int = 25
    answer_rate: float = 0.3
    mean_talk_s: float = 180.0
    talk_law: Literal["exponential", "lognormal"] = "exponential"
    wrap_up_s: float = 30.0
    mean_answer_s: float = 8.0
    ring_timeout_s: float = 30.0
    quick_fail_share: float = 0.35  # busy or unreachable numbers fail within a few seconds
    day_s: float = 8 * 3600.0
    grace_s: float = 2.0
    tick_s: float = 1.0
    reserve_agents: bool = False  # preview and progressive hold one agent per call
    preview_s: float = 0.0  # reading time of a record before the agent calls (preview)
    seed: int = 1


@dataclass(frozen=True, slots=True)
class SimResult:
    agents: int
    day_s: float
    dialed: int
    answered: int
    abandoned: int
    connected: int
    busy_s: float

    @property
    def occupancy(self) -> float:
        return self.busy_s / (self.agents * self.day_s)

    @property
    def abandon_rate(self) -> float:
        return self.abandoned / self.answered if self.answered else 0.0

    @property
    def connected_per_agent_hour(self) -> float:
        return self.connected / (self.agents * self.day_s / 3600.0)


@dataclass(slots=True)
class _Call:
    start: float
    agent: int | None  # reserved agent, if any
    phase: CallPhase = CallPhase.RINGING


class _Day:
    def __init__(self, config: SimConfig, pacer: Pacer) -> None:
        self.cfg = config
        self.pacer = pacer
        self.rng = random.Random(config.seed)
        self.t = 0.0
        self.events: list[tuple[float, int, str, int]] = []
        self.seq = 0
        self.status = [AgentStatus.logged_out(_START) for _ in range(config.agents)]
        self.free: list[int] = []
        self.calls: dict[int, _Call] = {}
        self.waiting: dict[int, float] = {}  # answered calls without an agent, oldest first
        self.estimator = CallStatsEstimator.start()
        self.dialed = self.answered = self.abandoned = self.connected = 0
        self.busy_s = 0.0
        self.handlers: dict[str, Callable[[int], None]] = {
            "tick": self.on_tick,
            "ring_end": self.on_ring_end,
            "abandon": self.on_abandon,
            "talk_end": self.on_talk_end,
            "wrap_end": self.on_wrap_end,
            "preview_end": self.on_preview_end,
        }

    # -- plumbing ---------------------------------------------------------------------------
    def at(self, delay: float, kind: str, key: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (self.t + delay, self.seq, kind, key))

    def now(self) -> datetime:
        return _START + timedelta(seconds=self.t)

    def move(self, agent: int, event: AgentEvent) -> None:
        self.status[agent] = transition(
            self.status[agent], event, self.now(), wrap_up_seconds=self.cfg.wrap_up_s
        )

    def run(self) -> SimResult:
        for agent in range(self.cfg.agents):
            self.move(agent, AgentEvent.LOG_IN)
            self.move(agent, AgentEvent.MAKE_AVAILABLE)
            self.free.append(agent)
        self.at(0.0, "tick", 0)
        while self.events and self.events[0][0] <= self.cfg.day_s:
            self.t, _, kind, key = heapq.heappop(self.events)
            self.handlers[kind](key)
        return SimResult(
            self.cfg.agents,
            self.cfg.day_s,
            self.dialed,
            self.answered,
            self.abandoned,
            self.connected,
            self.busy_s,
        )

    # -- pacing -----------------------------------------------------------------------------
    def snapshot(self) -> PacingSnapshot:
        now = self.now()
        stats = self.estimator.stats()
        talk, wrap = stats.mean_talk_s, self.cfg.wrap_up_s
        agents = tuple(
            agent_view(s, now, mean_talk_seconds=talk, wrap_up_seconds=wrap) for s in self.status
        )
        calls = tuple(
            CallView(c.phase, self.t - c.start, c.agent is not None) for c in self.calls.values()
        )
        return PacingSnapshot(now, agents, calls, stats, DayCounts(self.answered, self.abandoned))

    def on_tick(self, _: int) -> None:
        decision = self.pacer(self.snapshot())
        lines = decision.lines_to_dial
        reserve = self.cfg.reserve_agents or decision.agent_per_line
        if reserve:
            lines = min(lines, len(self.free))
        for _line in range(max(0, lines)):
            agent = None
            if reserve:
                agent = self.free.pop()
                self.move(agent, AgentEvent.RESERVE)
            if agent is not None and self.cfg.preview_s > 0:
                self.at(self.rng.expovariate(1.0 / self.cfg.preview_s), "preview_end", agent)
            else:
                self.dial(agent)
        self.at(self.cfg.tick_s, "tick", 0)

    def on_preview_end(self, agent: int) -> None:
        self.dial(agent)

    # -- the network and the people called -----------------------------------------------------
    def dial(self, agent: int | None) -> None:
        self.dialed += 1
        call_id = self.dialed
        self.calls[call_id] = _Call(self.t, agent)
        cfg = self.cfg
        if self.rng.random() < cfg.answer_rate:
            ring = 1.0 + self.rng.expovariate(1.0 / (cfg.mean_answer_s - 1.0))
            self.at(min(ring, cfg.ring_timeout_s - 0.5), "ring_end", call_id)
        else:
            quick = self.rng.random() < cfg.quick_fail_share
            ring = self.rng.uniform(1.0, 6.0) if quick else cfg.ring_timeout_s
            self.at(ring, "ring_end", -call_id)  # the sign carries the outcome

    def on_ring_end(self, key: int) -> None:
        call = self.calls[abs(key)]
        answered = key > 0
        self.estimator.attempt_finished(answered, self.t - call.start)
        if not answered:
            del self.calls[abs(key)]
            if call.agent is not None:
                self.move(call.agent, AgentEvent.RELEASE)
                self.agent_free(call.agent)
            return
        self.answered += 1
        if call.agent is not None:
            del self.calls[key]
            self.connect(call.agent)
        elif self.free:
            del self.calls[key]
            self.connect(self.free.pop())
        else:
            call.phase = CallPhase.ANSWERED_WAITING
            self.waiting[key] = self.t
            self.at(self.cfg.grace_s, "abandon", key)

    def on_abandon(self, call_id: int) -> None:
        if self.waiting.pop(call_id, None) is not None:
            del self.calls[call_id]
            self.abandoned += 1

    def connect(self, agent: int) -> None:
        self.move(agent, AgentEvent.CONNECT)
        self.connected += 1
        talk = self.talk_time()
        self.busy_s += max(0.0, min(talk, self.cfg.day_s - self.t))
        self.at(talk, "talk_end", agent)

    def talk_time(self) -> float:
        mean = self.cfg.mean_talk_s
        if self.cfg.talk_law == "lognormal":
            sigma = 0.8
            return self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        return self.rng.expovariate(1.0 / mean)

    def on_talk_end(self, agent: int) -> None:
        talk = (self.now() - self.status[agent].since).total_seconds()
        self.estimator.talk_finished(talk)
        self.move(agent, AgentEvent.HANG_UP)
        self.busy_s += max(0.0, min(self.cfg.wrap_up_s, self.cfg.day_s - self.t))
        self.at(self.cfg.wrap_up_s, "wrap_end", agent)

    def on_wrap_end(self, agent: int) -> None:
        self.status[agent] = settle(self.status[agent], self.now())
        if self.status[agent].state is not AgentState.AVAILABLE:
            raise RuntimeError(f"agent {agent} still {self.status[agent].state} after wrap-up")
        self.estimator.wrap_up_finished(self.cfg.wrap_up_s)
        self.agent_free(agent)

    def agent_free(self, agent: int) -> None:
        if self.waiting:
            call_id = next(iter(self.waiting))
            del self.waiting[call_id]
            del self.calls[call_id]
            self.connect(agent)
        else:
            self.free.append(agent)


def simulate_day(config: SimConfig, pacer: Pacer) -> SimResult:
    """Run one campaign day and count what happened."""
    return _Day(config, pacer).run()
