import dataclasses

import pytest

from dialer.engine.pacing import CallPhase, CallView, DayCounts, PacingMode, PacingParams, decide
from tests.dialer.engine.pacing.builders import WARM, snapshot

PREVIEW = PacingParams(mode=PacingMode.PREVIEW)
PROGRESSIVE = PacingParams(mode=PacingMode.PROGRESSIVE)
PREDICTIVE = PacingParams(mode=PacingMode.PREDICTIVE)


@pytest.mark.parametrize("available", [0, 1, 3, 12])
def test_preview_hands_one_record_per_available_agent(available: int) -> None:
    snap = snapshot(available=available, on_call=4, reserved=2)
    assert decide(snap, PREVIEW).lines_to_dial == available


@pytest.mark.parametrize(("available", "ringing"), [(0, 0), (3, 0), (5, 2), (2, 4), (10, 10)])
def test_progressive_never_dials_more_lines_than_available_agents(
    available: int, ringing: int
) -> None:
    snap = snapshot(available=available, on_call=7, wrap_up=(1.0, 2.0), ringing=(3.0,) * ringing)
    lines = decide(snap, PROGRESSIVE).lines_to_dial
    assert lines == max(0, available - ringing)
    assert lines + ringing <= max(available, ringing)


def test_progressive_does_not_count_calls_already_holding_their_agent() -> None:
    snap = snapshot(available=3, reserved=2)
    held = tuple(CallView(CallPhase.RINGING, 4.0, reserved=True) for _ in range(2))
    assert decide(dataclasses.replace(snap, calls=held), PROGRESSIVE).lines_to_dial == 3


@pytest.mark.parametrize("mode", list(PacingMode))
def test_no_call_without_a_logged_in_agent(mode: PacingMode) -> None:
    snap = snapshot(paused=3)
    decision = decide(snap, PacingParams(mode=mode))
    assert decision.lines_to_dial == 0
    assert "aucun agent" in decision.reason


def test_predictive_dials_ahead_of_agents_finishing_wrap_up() -> None:
    snap = snapshot(available=2, on_call=20, wrap_up=(1.0, 3.0, 5.0, 8.0, 12.0))
    lines = decide(snap, PREDICTIVE).lines_to_dial
    assert lines > 2  # more than the progressive one call per available agent


def test_predictive_starts_as_progressive_until_enough_calls_are_observed() -> None:
    cold = dataclasses.replace(WARM, calls_observed=10)
    snap = snapshot(available=4, on_call=20, wrap_up=(1.0, 3.0, 5.0), stats=cold)
    decision = decide(snap, PREDICTIVE)
    assert decision.lines_to_dial == 4
    assert "mise en route" in decision.reason
    assert decision.agent_per_line


def test_predictive_backs_off_when_the_day_is_above_target() -> None:
    busy = {"available": 3, "on_call": 20, "wrap_up": (1.0, 3.0, 5.0, 8.0)}
    calm = decide(snapshot(**busy, today=DayCounts(answered=800, abandoned=8)), PREDICTIVE)
    over = decide(snapshot(**busy, today=DayCounts(answered=800, abandoned=40)), PREDICTIVE)
    assert calm.lines_to_dial > over.lines_to_dial
    assert over.lines_to_dial <= 3
    assert "repli" in over.reason
    # Backed off, each line holds its agent before dialling: no further abandon is possible.
    assert over.agent_per_line and not calm.agent_per_line


def test_predictive_dials_more_when_fewer_calls_are_answered() -> None:
    base = {"available": 4, "on_call": 30, "wrap_up": (2.0, 4.0, 6.0, 9.0, 14.0)}
    often = decide(snapshot(**base, stats=dataclasses.replace(WARM, answer_rate=0.6)), PREDICTIVE)
    seldom = decide(snapshot(**base, stats=dataclasses.replace(WARM, answer_rate=0.15)), PREDICTIVE)
    assert seldom.lines_to_dial > often.lines_to_dial


def test_predictive_counts_calls_already_ringing() -> None:
    base = {"available": 4, "on_call": 30, "wrap_up": (2.0, 4.0, 6.0)}
    idle = decide(snapshot(**base), PREDICTIVE).lines_to_dial
    ringing = decide(snapshot(**base, ringing=(1.0, 2.0, 3.0, 4.0, 5.0)), PREDICTIVE).lines_to_dial
    assert ringing < idle


def test_predictive_respects_the_max_lines_cap() -> None:
    snap = snapshot(
        available=10,
        on_call=2,
        stats=dataclasses.replace(WARM, answer_rate=0.02),
        today=DayCounts(answered=2000, abandoned=0),
    )
    capped = PacingParams(mode=PacingMode.PREDICTIVE, max_lines_per_agent=1.5)
    assert decide(snap, capped).lines_to_dial == 18  # 1.5 x 12 working agents
    snap_ringing = dataclasses.replace(snap, calls=(CallView(CallPhase.RINGING, 1.0),) * 10)
    assert decide(snap_ringing, capped).lines_to_dial == 8


def test_pacing_mode_may_come_as_stored_text() -> None:
    params = PacingParams(mode="preview")  # type: ignore[arg-type]
    assert params.mode is PacingMode.PREVIEW
    assert decide(snapshot(available=2), params).lines_to_dial == 2
    with pytest.raises(ValueError, match="mode de pacing inconnu"):
        PacingParams(mode="turbo")  # type: ignore[arg-type]


def test_pacing_params_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="abandon"):
        PacingParams(abandon_target=0.0)
    with pytest.raises(ValueError, match="ratio"):
        PacingParams(min_dial_ratio=3.0, max_dial_ratio=2.0)
