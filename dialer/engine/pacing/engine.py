"""One pacing decision per tick: how many lines to dial now, and why (in French, for managers)."""

from __future__ import annotations

import math

from dialer.campaigns.policies import PacingMode
from dialer.engine.agents import AgentState
from dialer.engine.pacing.model import PacingDecision, PacingParams, PacingSnapshot
from dialer.engine.pacing.predictive import (
    build_model,
    estimated_day_rate,
    lines_within_risk,
    marginal_risk_limit,
)


def decide(snapshot: PacingSnapshot, params: PacingParams) -> PacingDecision:
    """Lines to dial now under the campaign's pacing mode."""
    if snapshot.working_agents == 0:
        return PacingDecision(0, "aucun agent connecté et disponible pour la campagne")
    if params.mode is PacingMode.PREVIEW:
        return preview(snapshot)
    if params.mode is PacingMode.PROGRESSIVE:
        return progressive(snapshot)
    return predictive(snapshot, params)


def preview(snapshot: PacingSnapshot) -> PacingDecision:
    """One record per available agent: the agent reads it, then calls or skips it."""
    available = snapshot.count(AgentState.AVAILABLE)
    return PacingDecision(
        available, f"aperçu : une fiche pour chacun des {available} agents libres"
    )


def progressive(snapshot: PacingSnapshot) -> PacingDecision:
    """One call per available agent not already covered by a call in flight."""
    available = snapshot.count(AgentState.AVAILABLE)
    lines = max(0, available - snapshot.unreserved_calls)
    return PacingDecision(
        lines, f"progressif : {lines} appel(s) pour {available} agent(s) libre(s)",
        agent_per_line=True,
    )  # fmt: skip


def predictive(snapshot: PacingSnapshot, params: PacingParams) -> PacingDecision:
    stats = snapshot.stats
    if stats.calls_observed < params.warmup_calls or stats.answer_rate <= 0.0:
        decision = progressive(snapshot)
        return PacingDecision(
            decision.lines_to_dial,
            f"prédictif en mise en route ({stats.calls_observed}/{params.warmup_calls} appels "
            f"observés) : {decision.reason}",
            agent_per_line=True,
        )
    in_flight = len(snapshot.calls)
    available = snapshot.count(AgentState.AVAILABLE)
    floor = max(0, math.ceil(params.min_dial_ratio * available) - in_flight)
    limit = marginal_risk_limit(snapshot.today, params)
    if limit is None:
        rate = estimated_day_rate(snapshot.today, params)
        return PacingDecision(
            max(0, available - snapshot.unreserved_calls),
            f"prédictif en repli sur le progressif : taux d'abandon du jour {rate:.1%} "
            f"au-dessus de l'objectif {params.abandon_target:.1%}",
            agent_per_line=True,
        )
    model = build_model(snapshot, params)
    cap = min(
        math.floor(params.max_lines_per_agent * snapshot.working_agents),
        math.floor(params.max_dial_ratio * max(model.supply_at_timeout, 1.0)),
    )
    cap = max(0, cap - in_flight)
    lines = min(max(lines_within_risk(model, limit, cap), floor), cap)
    return PacingDecision(
        lines,
        f"prédictif : {lines} appel(s), {in_flight} en cours, {model.supply_at_timeout:.1f} "
        f"agent(s) attendu(s) libres, risque marginal toléré {limit:.1%}",
    )
