"""Call control: what a desk may ask of the call it holds, whichever process dials.

The web reaches the dialer through one port, ``CallControl``, chosen once when the app
starts: ``LocalCallControl`` when the dialer runs in the same process (the embedded
default), ``RemoteCallControl`` (``dialer.engine.calling.control_remote``) when the worker
holding the call is another process, ``NoCallControl`` when there is none. Each
refuses with ``CallControlRefused``, whose ``refusal`` says what went wrong the same
way on both paths, so the desk answers the same status and French message either way.

Commands the desk and supervision will add (hold, transfer, listen) are new methods
here, a new ``Refusal`` when they can fail in a new way, and one method in each
implementation; the remote one sends a new action (``dialer.engine.calling.commands``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.engine import Engine

from dialer.engine.calling.preview import PreviewError, skip_preview

NOT_LIVE_FR = "Cet appel n'est plus en ligne."
NOT_SENT_FR = "L'appel n'a pas pu partir vers le PBX : la fiche sera reproposée plus tard."
PBX_FAILED_FR = "Le PBX n'a pas pu raccrocher l'appel : réessayez."
NO_DIALER_FR = "Aucun service de numérotation ne tient cette fiche : réessayez dans un instant."
NO_ANSWER_FR = "Le service de numérotation ne répond pas : réessayez dans un instant."
FAILED_FR = "Le service de numérotation n'a pas pu traiter la demande : réessayez."


class Refusal(StrEnum):
    """Why a command was not done; it travels between processes by this value."""

    NOT_LIVE = "not_live"  # no such call on the line any more
    PREVIEW = "preview"  # not this agent's preview, or it can no longer be called
    NOT_SENT = "not_sent"  # the PBX did not take the call
    PBX_FAILED = "pbx_failed"  # the PBX refused the action
    NO_DIALER = "no_dialer"  # no dialing service holds the call
    NO_ANSWER = "no_answer"  # the worker holding the call did not answer in time
    FAILED = "failed"  # the worker failed on it (logged there)


class CallControlRefused(Exception):
    """A desk command not done; ``message`` is French, for the agent."""

    def __init__(self, refusal: Refusal, message: str) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.message = message


def not_live() -> CallControlRefused:
    return CallControlRefused(Refusal.NOT_LIVE, NOT_LIVE_FR)


def not_sent() -> CallControlRefused:
    return CallControlRefused(Refusal.NOT_SENT, NOT_SENT_FR)


def no_dialer() -> CallControlRefused:
    return CallControlRefused(Refusal.NO_DIALER, NO_DIALER_FR)


@dataclass(frozen=True)
class CallRef:
    """The call a desk command is about, as the desk knows it from the database."""

    attempt_id: int
    agent_user_id: int
    worker_id: str  # the worker that placed it (only it has the channel)
    channel_id: str | None = None  # stored once the PBX named it


class CallControl(Protocol):
    """The desk's commands on its call; each raises ``CallControlRefused`` when not done."""

    async def hang_up(self, call: CallRef, *, timeout_s: float | None = None) -> None: ...

    async def dial_preview(self, call: CallRef) -> None: ...

    async def pass_preview(self, call: CallRef) -> None: ...

    def dialing_worker(self) -> str | None:
        """The worker that would place an agent's manual call now (None: no dialer)."""
        ...


class Dialing(Protocol):
    """The dialing service as the in-process control drives it (``DialerService``)."""

    async def hang_up_call(self, attempt_id: int, channel_id: str | None = None) -> None: ...

    async def call_preview(self, attempt_id: int, agent_user_id: int) -> None: ...

    @property
    def worker_id(self) -> str: ...


class PreviewPassing:
    """Passing a preview changes only the database: any process does it itself."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock

    async def pass_preview(self, call: CallRef) -> None:
        try:
            await asyncio.to_thread(
                skip_preview, self._engine, call.attempt_id, call.agent_user_id, self._clock()
            )
        except PreviewError as error:
            raise CallControlRefused(Refusal.PREVIEW, str(error)) from None


class LocalCallControl(PreviewPassing):
    """The dialer runs in this process: its service acts at once."""

    def __init__(self, dialing: Dialing, engine: Engine, clock: Callable[[], datetime]) -> None:
        super().__init__(engine, clock)
        self._dialing = dialing

    async def hang_up(self, call: CallRef, *, timeout_s: float | None = None) -> None:
        await self._dialing.hang_up_call(call.attempt_id, call.channel_id)

    async def dial_preview(self, call: CallRef) -> None:
        await self._dialing.call_preview(call.attempt_id, call.agent_user_id)

    def dialing_worker(self) -> str | None:
        return self._dialing.worker_id


class NoCallControl(PreviewPassing):
    """No dialer here nor reachable (SQLite without a dialer): only passing works."""

    async def hang_up(self, call: CallRef, *, timeout_s: float | None = None) -> None:
        raise no_dialer()

    async def dial_preview(self, call: CallRef) -> None:
        raise no_dialer()

    def dialing_worker(self) -> str | None:
        return None
