"""Predictive pacing: dial ahead of agents becoming free, holding the abandon rate under target.

The question asked every tick is "how many more calls can I place now?". The answer is the
largest n such that the n-th new call, if a person answers it, finds an agent with a chance
of at least 1 - limit. Answers and free agents are counted at successive horizons over the
ring time: a call answered h seconds from now needs an agent free by h + grace. Answers
come from calls already ringing (each weighted by its chance to still be answered given how
long it has rung) and from the new calls; free agents come from agents available now, wrap-ups
ending (their end is known) and calls ending. Both are sums of independent Bernoulli trials,
approximated by a normal law. ``limit`` is set by a feedback controller on the day's measured
abandon rate, because the model's marginal risk is not the day's average rate: calls placed in
later ticks compete for the same agents, so the realised rate runs about three times the
marginal risk accepted (measured with ``bench/pacing.py``, hence ``base_marginal_risk``).
Above the target the controller falls back to progressive, which cannot abandon a call.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from dialer.engine.agents import AgentState
from dialer.engine.pacing.model import CallPhase, DayCounts, PacingParams, PacingSnapshot

# Horizons, as fractions of the ring timeout, at which answers and free agents are compared.
_HORIZON_FRACTIONS = (0.07, 0.13, 0.2, 0.3, 0.4, 0.53, 0.67, 0.83, 1.0)
_PRIOR_ANSWERED = 60  # pseudo-answers at the setpoint: early in the day one abandon is not 50%


@dataclass(frozen=True, slots=True)
class _Horizon:
    weight: float  # chance that a new call, if answered, is answered in this slice of time
    answered_by: float  # chance that a call that will be answered is answered by then
    supply_mean: float
    supply_var: float


@dataclass(frozen=True, slots=True)
class RiskModel:
    answer_rate: float
    waiting: int  # answered calls already waiting: certain demand
    ringing_sum: float  # sum of the chances that each ringing call is answered
    ringing_sq: float  # sum of their squares, for the variance
    horizons: tuple[_Horizon, ...]

    @property
    def supply_at_timeout(self) -> float:
        """Agents expected free by the end of the ring timeout."""
        return self.horizons[-1].supply_mean


def estimated_day_rate(today: DayCounts, params: PacingParams) -> float:
    """The day's abandon rate, shrunk toward the setpoint while few calls were answered."""
    prior = _PRIOR_ANSWERED * params.abandon_setpoint
    return (today.abandoned + prior) / (today.answered + _PRIOR_ANSWERED)


def marginal_risk_limit(today: DayCounts, params: PacingParams) -> float | None:
    """The accepted chance that one more call abandons; ``None`` means back off to progressive."""
    rate = estimated_day_rate(today, params)
    if rate > params.abandon_target:
        return None
    setpoint = params.abandon_setpoint
    error = (setpoint - rate) / setpoint  # 1 with no abandon, negative above the setpoint
    limit = params.base_marginal_risk * math.exp(params.controller_gain * error)
    return min(max(limit, params.base_marginal_risk / 10), 3 * params.base_marginal_risk)


def _answer_chance(age_s: float, answer_rate: float, mean_answer: float, mean_miss: float) -> float:
    """Chance that a call still ringing after ``age_s`` is answered: Bayes on two exponentials."""
    answered = answer_rate * math.exp(-age_s / mean_answer)
    missed = (1.0 - answer_rate) * math.exp(-age_s / mean_miss)
    total = answered + missed
    return answered / total if total > 0 else 0.0


def _horizons(snapshot: PacingSnapshot, params: PacingParams) -> tuple[_Horizon, ...]:
    stats = snapshot.stats
    available = snapshot.count(AgentState.AVAILABLE)
    on_call = snapshot.count(AgentState.ON_CALL)
    wrap_ends = sorted(
        a.free_in_s
        for a in snapshot.agents
        if a.state is AgentState.WRAP_UP and a.free_in_s is not None
    )
    mean_answer = max(stats.mean_answer_s, 0.5)
    cap = 1.0 - math.exp(-params.ring_timeout_s / mean_answer)
    horizons: list[_Horizon] = []
    previous = 0.0
    for fraction in _HORIZON_FRACTIONS:
        h = fraction * params.ring_timeout_s
        by = (1.0 - math.exp(-h / mean_answer)) / cap
        t = h + params.abandon_grace_s
        # A call ending now still leaves its agent in wrap-up: free only after both.
        ended = t - stats.mean_wrap_up_s
        p_call = 1.0 - math.exp(-ended / max(stats.mean_talk_s, 1.0)) if ended > 0 else 0.0
        mean = available + bisect_right(wrap_ends, t) + on_call * p_call
        horizons.append(_Horizon(by - previous, by, mean, on_call * p_call * (1.0 - p_call)))
        previous = by
    return tuple(horizons)


def build_model(snapshot: PacingSnapshot, params: PacingParams) -> RiskModel:
    stats = snapshot.stats
    waiting = 0
    ringing_sum = ringing_sq = 0.0
    mean_answer = max(stats.mean_answer_s, 0.5)
    mean_miss = max(stats.mean_no_answer_s, 0.5)
    for call in snapshot.calls:
        if call.reserved:
            continue  # its agent is held for it: it takes nobody else's
        if call.phase is CallPhase.ANSWERED_WAITING:
            waiting += 1
            continue
        age = call.age_s if call.phase is CallPhase.RINGING else 0.0
        q = _answer_chance(age, stats.answer_rate, mean_answer, mean_miss)
        ringing_sum += q
        ringing_sq += q * q
    return RiskModel(
        stats.answer_rate, waiting, ringing_sum, ringing_sq, _horizons(snapshot, params)
    )


def marginal_risk(model: RiskModel, new_calls: int) -> float:
    """Chance that the ``new_calls``-th new call, once answered, finds no agent in time."""
    others = new_calls - 1
    p = model.answer_rate
    risk = 0.0
    for horizon in model.horizons:
        f = horizon.answered_by
        pf = p * f
        demand = model.waiting + f * model.ringing_sum + others * pf
        var = f * model.ringing_sum - f * f * model.ringing_sq + others * pf * (1.0 - pf)
        # A quarter of a call of spread keeps the law discrete-looking when nothing is uncertain.
        sigma = math.sqrt(var + horizon.supply_var + 0.25)
        z = (horizon.supply_mean - 0.5 - demand) / sigma
        risk += horizon.weight * 0.5 * math.erfc(z / math.sqrt(2.0))
    return risk


def lines_within_risk(model: RiskModel, limit: float, cap: int) -> int:
    """The largest number of new calls, up to ``cap``, whose last one stays within ``limit``."""
    low, high = 0, cap
    while low < high:  # risk grows with every call added: bisect on it
        middle = (low + high + 1) // 2
        if marginal_risk(model, middle) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
