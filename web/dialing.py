"""What the pages reach of the dialing side, chosen once when the app starts.

The desk's commands go through one ``CallControl``: the dialer of this process when it
runs one, else the workers through PostgreSQL, else none. Refusals come back as
``CallControlRefused`` and leave as the same status and French message either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from dialer.engine.callcontrol.remote import RemoteSteering
from dialer.engine.callcontrol.steering import NoSteering, Steering
from dialer.engine.calling.commands import CommandSender
from dialer.engine.calling.control import (
    CallControl,
    CallControlRefused,
    LocalCallControl,
    NoCallControl,
)
from dialer.engine.calling.control import Refusal as R
from dialer.engine.calling.control_remote import RemoteCallControl
from dialer.engine.calling.events import ScreenPopBus
from dialer.engine.service import DialerService

STATUS_OF_REFUSAL: dict[R, int] = {
    R.NOT_LIVE: 409, R.PREVIEW: 409, R.NOT_SENT: 502, R.PBX_FAILED: 502,
    R.FAILED: 502, R.NO_DIALER: 503, R.NO_ANSWER: 504,
}  # fmt: skip


@dataclass(frozen=True)
class Dialing:
    control: CallControl
    # The desks' events: the local dialer's, or those other processes send here.
    screen_pops: ScreenPopBus | None = None
    service: DialerService | None = None  # the dialer this process runs, if any
    # Hold, transfer and supervision: only the process whose dialer holds the call.
    steering: Steering = field(default_factory=NoSteering)


def call_control_for(
    service: DialerService | None, sender: CommandSender | None, engine: Engine,
    clock: Callable[[], datetime],
) -> CallControl:  # fmt: skip
    if service is not None:
        return LocalCallControl(service, engine, clock)
    if sender is not None:
        return RemoteCallControl(sender, engine, clock)
    return NoCallControl(engine, clock)


def steering_for(service: DialerService | None, sender: CommandSender | None) -> Steering:
    if service is not None:
        return service.steering
    if sender is not None:
        return RemoteSteering(sender)
    return NoSteering()


def status_of(refused: CallControlRefused) -> int:
    return STATUS_OF_REFUSAL[refused.refusal]
