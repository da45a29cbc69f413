"""The wave's transition table, without any database."""

from __future__ import annotations

import pytest

from dialer.campaigns.waves import (
    IllegalWaveTransition,
    WaveEvent,
    WaveStatus,
    allowed_events,
    next_status,
)

S, E = WaveStatus, WaveEvent


@pytest.mark.parametrize(
    ("status", "event", "after"),
    [
        (S.SCHEDULED, E.START, S.RUNNING),
        (S.RUNNING, E.PAUSE, S.PAUSED),
        (S.PAUSED, E.RESUME, S.RUNNING),
        (S.SCHEDULED, E.STOP, S.STOPPED),
        (S.RUNNING, E.STOP, S.STOPPED),
        (S.PAUSED, E.STOP, S.STOPPED),
        (S.RUNNING, E.FINISH, S.FINISHED),
        (S.PAUSED, E.FINISH, S.FINISHED),
        (S.SCHEDULED, E.FINISH, S.FINISHED),
    ],
)
def test_allowed_moves(status: WaveStatus, event: WaveEvent, after: WaveStatus) -> None:
    assert next_status(status, event) is after


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (S.SCHEDULED, E.PAUSE),
        (S.SCHEDULED, E.RESUME),
        (S.RUNNING, E.RESUME),
        (S.PAUSED, E.PAUSE),
        (S.STOPPED, E.START),
        (S.STOPPED, E.RESUME),
        (S.FINISHED, E.START),
        (S.FINISHED, E.STOP),
    ],
)
def test_refused_moves_say_why_in_french(status: WaveStatus, event: WaveEvent) -> None:
    with pytest.raises(IllegalWaveTransition, match="Impossible de"):
        next_status(status, event)


def test_buttons_follow_the_table() -> None:
    assert allowed_events(S.SCHEDULED) == [E.START, E.STOP, E.FINISH]
    assert allowed_events(S.RUNNING) == [E.PAUSE, E.STOP, E.FINISH]
    assert allowed_events(S.PAUSED) == [E.RESUME, E.STOP, E.FINISH]
    assert allowed_events(S.STOPPED) == allowed_events(S.FINISHED) == []
