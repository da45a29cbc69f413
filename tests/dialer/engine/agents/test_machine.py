from datetime import datetime, timedelta

import pytest

from dialer.engine.agents import (
    TRANSITIONS,
    AgentEvent,
    AgentState,
    AgentStatus,
    IllegalTransition,
    agent_view,
    expected_free_in,
    settle,
    transition,
)

T0 = datetime(2026, 3, 2, 10, 0)
S = AgentState
E = AgentEvent


def status(state: AgentState, **kw: object) -> AgentStatus:
    return AgentStatus(state, T0, **kw)  # type: ignore[arg-type]


def test_the_table_holds_the_expected_day_of_an_agent() -> None:
    expected = {
        (S.LOGGED_OUT, E.LOG_IN): S.PAUSED,
        (S.PAUSED, E.MAKE_AVAILABLE): S.AVAILABLE,
        (S.AVAILABLE, E.RESERVE): S.RESERVED,
        (S.RESERVED, E.CONNECT): S.ON_CALL,
        (S.RESERVED, E.RELEASE): S.AVAILABLE,
        (S.AVAILABLE, E.CONNECT): S.ON_CALL,
        (S.ON_CALL, E.HANG_UP): S.WRAP_UP,
        (S.WRAP_UP, E.WRAP_UP_EXPIRED): S.AVAILABLE,
        (S.WRAP_UP, E.MAKE_AVAILABLE): S.AVAILABLE,
        (S.WRAP_UP, E.PAUSE): S.PAUSED,
        (S.AVAILABLE, E.LOG_OUT): S.LOGGED_OUT,
    }
    for key, target in expected.items():
        assert TRANSITIONS[key] is target


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (S.LOGGED_OUT, E.CONNECT),
        (S.ON_CALL, E.LOG_OUT),
        (S.ON_CALL, E.PAUSE),
        (S.RESERVED, E.LOG_OUT),
        (S.PAUSED, E.CONNECT),
        (S.WRAP_UP, E.CONNECT),
        (S.AVAILABLE, E.HANG_UP),
    ],
)
def test_an_illegal_event_raises_a_clear_error(state: AgentState, event: AgentEvent) -> None:
    with pytest.raises(IllegalTransition) as error:
        transition(status(state), event, T0)
    assert error.value.state is state and error.value.event is event
    assert "transition interdite" in str(error.value)


def test_every_pair_outside_the_table_is_refused() -> None:
    for state in S:
        for event in E:
            if (state, event) in TRANSITIONS or event is E.PAUSE:
                continue
            with pytest.raises(IllegalTransition):
                transition(status(state), event, T0)


def test_hang_up_starts_a_wrap_up_of_the_campaign_length() -> None:
    after = transition(status(S.ON_CALL), E.HANG_UP, T0, wrap_up_seconds=45)
    assert after.state is S.WRAP_UP
    assert after.wrap_up_until == T0 + timedelta(seconds=45)


def test_wrap_up_ends_by_itself_at_its_end_time_not_before() -> None:
    wrap = transition(status(S.ON_CALL), E.HANG_UP, T0, wrap_up_seconds=30)
    assert settle(wrap, T0 + timedelta(seconds=29)).state is S.WRAP_UP
    done = settle(wrap, T0 + timedelta(seconds=50))
    assert done.state is S.AVAILABLE
    assert done.since == T0 + timedelta(seconds=30)  # available since the wrap-up ended
    with pytest.raises(IllegalTransition):
        transition(wrap, E.WRAP_UP_EXPIRED, T0 + timedelta(seconds=10))


def test_an_agent_may_end_wrap_up_sooner_or_pause() -> None:
    wrap = transition(status(S.ON_CALL), E.HANG_UP, T0, wrap_up_seconds=30)
    soon = T0 + timedelta(seconds=5)
    assert transition(wrap, E.MAKE_AVAILABLE, soon).state is S.AVAILABLE
    paused = transition(wrap, E.PAUSE, soon, pause_reason="formation")
    assert paused.state is S.PAUSED and paused.pause_reason == "formation"
    assert settle(paused, T0 + timedelta(hours=1)).state is S.PAUSED


def test_a_pause_needs_a_reason() -> None:
    with pytest.raises(IllegalTransition, match="motif"):
        transition(status(S.AVAILABLE), E.PAUSE, T0, pause_reason="  ")


def test_expected_free_time_by_state() -> None:
    later = T0 + timedelta(seconds=60)
    kw = {"mean_talk_seconds": 180.0, "wrap_up_seconds": 30.0}
    assert expected_free_in(status(S.AVAILABLE), later, **kw) == 0.0
    assert expected_free_in(status(S.PAUSED, pause_reason="pause"), later, **kw) is None
    wrap = status(S.WRAP_UP, wrap_up_until=T0 + timedelta(seconds=90))
    assert expected_free_in(wrap, later, **kw) == 30.0
    assert expected_free_in(status(S.ON_CALL), later, **kw) == 120.0 + 30.0
    # A call longer than the mean is expected to end soon, never to be over already.
    assert expected_free_in(status(S.ON_CALL), T0 + timedelta(hours=1), **kw) == 18.0 + 30.0
    view = agent_view(status(S.ON_CALL), later, **kw)
    assert view.in_state_s == 60.0 and view.free_in_s == 150.0
