"""The life of a wave as a pure transition table: no database, no clock.

scheduled -> running <-> paused; any live state -> stopped (the manager's call)
or finished (its end time came). Stopped and finished are final.
"""

from __future__ import annotations

from enum import StrEnum

from dialer.campaigns.waves.errors import WaveError
from dialer.wording import Kind, label


class WaveStatus(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"


class WaveEvent(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    FINISH = "finish"


class IllegalWaveTransition(WaveError):
    """An event the wave's current status does not allow; the message is French."""


LIVE = frozenset({WaveStatus.SCHEDULED, WaveStatus.RUNNING, WaveStatus.PAUSED})
FINAL = frozenset({WaveStatus.STOPPED, WaveStatus.FINISHED})

TRANSITIONS: dict[tuple[WaveStatus, WaveEvent], WaveStatus] = {
    (WaveStatus.SCHEDULED, WaveEvent.START): WaveStatus.RUNNING,
    (WaveStatus.RUNNING, WaveEvent.PAUSE): WaveStatus.PAUSED,
    (WaveStatus.PAUSED, WaveEvent.RESUME): WaveStatus.RUNNING,
    **{(status, WaveEvent.STOP): WaveStatus.STOPPED for status in LIVE},
    **{(status, WaveEvent.FINISH): WaveStatus.FINISHED for status in LIVE},
}

STATUS_FR = {status: label(Kind.WAVE_STATUS, status) for status in WaveStatus}
_EVENT_FR = {
    WaveEvent.START: "démarrer",
    WaveEvent.PAUSE: "mettre en pause",
    WaveEvent.RESUME: "reprendre",
    WaveEvent.STOP: "arrêter",
    WaveEvent.FINISH: "terminer",
}


def parse_status(value: str) -> WaveStatus:
    try:
        return WaveStatus(value)
    except ValueError:
        raise WaveError(f"État de vague inconnu : {value}.") from None


def next_status(status: WaveStatus, event: WaveEvent) -> WaveStatus:
    """The status after ``event``; raises ``IllegalWaveTransition`` when not allowed."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        label = STATUS_FR[status].lower()
        raise IllegalWaveTransition(
            f"Impossible de {_EVENT_FR[event]} une vague {label}."
        ) from None


def allowed_events(status: WaveStatus) -> list[WaveEvent]:
    """The events a manager may send now, in the order the page shows their buttons."""
    return [event for event in WaveEvent if (status, event) in TRANSITIONS]
