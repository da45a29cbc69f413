"""Pacing: how many lines to dial now, in preview, progressive or predictive mode (pure)."""

from dialer.campaigns.policies import PacingMode
from dialer.engine.pacing.abandon import (
    AbandonCounts,
    AbandonDefinition,
    AbandonReport,
    abandon_rate,
    abandon_report,
    is_abandoned,
)
from dialer.engine.pacing.engine import decide, predictive, preview, progressive
from dialer.engine.pacing.estimators import CallStatsEstimator, RecentMean
from dialer.engine.pacing.model import (
    CallPhase,
    CallStats,
    CallView,
    DayCounts,
    PacingDecision,
    PacingParams,
    PacingSnapshot,
)

__all__ = [
    "AbandonCounts",
    "AbandonDefinition",
    "AbandonReport",
    "CallPhase",
    "CallStats",
    "CallStatsEstimator",
    "CallView",
    "DayCounts",
    "PacingDecision",
    "PacingMode",
    "PacingParams",
    "PacingSnapshot",
    "RecentMean",
    "abandon_rate",
    "abandon_report",
    "decide",
    "is_abandoned",
    "predictive",
    "preview",
    "progressive",
]
