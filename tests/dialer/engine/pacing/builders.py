"""Snapshots for pacing tests, built from counts rather than by hand."""

from datetime import datetime

from dialer.engine.agents import AgentState, AgentView
from dialer.engine.pacing import CallPhase, CallStats, CallView, DayCounts, PacingSnapshot

NOW = datetime(2026, 3, 2, 11, 0)
WARM = CallStats(
    answer_rate=0.3,
    mean_answer_s=8.0,
    mean_no_answer_s=20.0,
    mean_talk_s=180.0,
    mean_wrap_up_s=30.0,
    calls_observed=1000,
)


def snapshot(
    available: int = 0,
    on_call: int = 0,
    wrap_up: tuple[float, ...] = (),
    paused: int = 0,
    reserved: int = 0,
    ringing: tuple[float, ...] = (),
    stats: CallStats = WARM,
    today: DayCounts = DayCounts(),
) -> PacingSnapshot:
    agents = (
        [AgentView(AgentState.AVAILABLE, 5.0, 0.0)] * available
        + [AgentView(AgentState.ON_CALL, 60.0, 150.0)] * on_call
        + [AgentView(AgentState.WRAP_UP, 30.0 - left, left) for left in wrap_up]
        + [AgentView(AgentState.PAUSED, 60.0, None)] * paused
        + [AgentView(AgentState.RESERVED, 3.0, None)] * reserved
    )
    calls = tuple(CallView(CallPhase.RINGING, age) for age in ringing)
    return PacingSnapshot(NOW, tuple(agents), calls, stats, today)
