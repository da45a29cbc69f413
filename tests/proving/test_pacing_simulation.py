"""A short seeded day through the production pacing: behaviour, not timing."""

from dialer.engine.pacing import PacingMode, PacingParams, decide
from proving.pacing_simulation import SimConfig, SimResult, simulate_day

TWO_HOURS = 2 * 3600.0


def run(mode: PacingMode, agents: int = 25, seed: int = 3) -> SimResult:
    params = PacingParams(mode=mode)
    config = SimConfig(
        agents=agents,
        answer_rate=0.3,
        day_s=TWO_HOURS,
        reserve_agents=mode is not PacingMode.PREDICTIVE,
        seed=seed,
    )
    return simulate_day(config, lambda snap: decide(snap, params))


def test_predictive_keeps_abandons_under_target_and_beats_progressive() -> None:
    predictive = run(PacingMode.PREDICTIVE)
    progressive = run(PacingMode.PROGRESSIVE)
    assert predictive.answered > 300
    assert predictive.abandon_rate <= 0.03
    assert predictive.occupancy > progressive.occupancy


def test_progressive_never_abandons_a_call() -> None:
    result = run(PacingMode.PROGRESSIVE, agents=10)
    assert result.answered > 50
    assert result.abandoned == 0
    assert result.connected == result.answered


def test_the_same_seed_gives_the_same_day() -> None:
    assert run(PacingMode.PREDICTIVE, agents=10) == run(PacingMode.PREDICTIVE, agents=10)
