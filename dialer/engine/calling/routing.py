"""One path for a call's updates: stored first, then handed to a table of handlers.

The AMI adapter gives every update to ``CallEvents`` (its ``CallObserver``). The update
is stored (``CallRecorder.apply``, one transaction), then its step picks the handlers
in ``call_routes``, the one place that says who hears what of a call:

============== ===========================================================
step           handlers, in order
============== ===========================================================
progress       the dialer loop follows the call (pacing statistics, lease)
waiting        the loop follows it, then hands it to a free agent
connected      the loop follows it, then the agent's desk pops the record (unless
               ``EarlyPop`` popped it as soon as the bridge was heard)
ended          the loop follows it, then the agent's desk hears it ended
============== ===========================================================

Counting results (metrics) happens where the result is stored, as calls closed
without any update (never sent, lost with a dead worker) count too.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Protocol

from dialer.core.observability.logging import bound_attempt
from dialer.engine.calling.desk_events import CallEnded, DeskNotifier, ScreenPop
from dialer.engine.calling.early_pop import EarlyPop
from dialer.engine.calling.recorder import CallRecorder, RecordedUpdate
from telephony.ami.updates import CallUpdate

RECORDER_THREAD = "call-recorder"
Handler = Callable[[CallUpdate, RecordedUpdate], Awaitable[None]]


class CallStep(StrEnum):
    PROGRESS = "progress"  # dialled, ringing, answered and bridged already...
    WAITING = "waiting"  # a predictive call answered with no agent yet
    CONNECTED = "connected"  # this update bridged the person to the agent
    ENDED = "ended"


def step_of(update: CallUpdate, recorded: RecordedUpdate) -> CallStep:
    # Exclusive: the adapter clears ``waiting_for_agent`` once bridged or ended.
    if recorded.connected:
        return CallStep.CONNECTED
    if recorded.ended:
        return CallStep.ENDED
    if update.waiting_for_agent:
        return CallStep.WAITING
    return CallStep.PROGRESS


class CallLoop(Protocol):
    """The dialer loop's side of a call (``DialerWorker``)."""

    async def follow(self, update: CallUpdate, recorded: RecordedUpdate) -> None: ...

    async def hand_over(self, update: CallUpdate, recorded: RecordedUpdate) -> None: ...


def call_routes(
    loop: CallLoop, desk: DeskNotifier, early: EarlyPop | None = None
) -> dict[CallStep, tuple[Handler, ...]]:
    async def pop_screen(update: CallUpdate, recorded: RecordedUpdate) -> None:
        if recorded.agent_user_id is None:
            return
        pop = ScreenPop(*_ids(recorded))
        if early is None or early.still_to_pop(recorded.attempt_id, recorded.agent_user_id, pop):
            desk.screen_pop(recorded.agent_user_id, pop)

    async def end_on_desk(update: CallUpdate, recorded: RecordedUpdate) -> None:
        if early is not None:
            early.forget(recorded.attempt_id)
        if recorded.agent_user_id is not None:
            event = CallEnded(*_ids(recorded), result=recorded.result)
            desk.call_ended(recorded.agent_user_id, event)

    return {
        CallStep.PROGRESS: (loop.follow,),
        CallStep.WAITING: (loop.follow, loop.hand_over),
        CallStep.CONNECTED: (loop.follow, pop_screen),
        CallStep.ENDED: (loop.follow, end_on_desk),
    }


def _ids(recorded: RecordedUpdate) -> tuple[int, int, int]:
    return recorded.attempt_id, recorded.contact_id, recorded.campaign_id


class CallEvents:
    """The dialer's ``CallObserver``: store each update, then run its step's handlers."""

    def __init__(
        self, recorder: CallRecorder, routes: Mapping[CallStep, Sequence[Handler]]
    ) -> None:
        self._recorder = recorder
        self._routes = routes
        # The database is synchronous; a thread keeps the AMI reader responsive. The
        # adapter awaits each update, so one thread is enough and keeps them in order.
        # It is this path's own: on the loop's shared executor a bridge waited behind
        # the dialer's claims and every desk's stream checks before its pop could leave.
        self._storing: ThreadPoolExecutor | None = None

    async def on_call_update(self, update: CallUpdate) -> None:
        await self.on_call_updates([update])

    async def on_call_updates(self, updates: Sequence[CallUpdate]) -> None:
        """Updates heard together, stored in one transaction, then handled in order."""
        # As ``asyncio.to_thread`` does: the log context goes along.
        store = functools.partial(
            contextvars.copy_context().run, self._recorder.apply_all, list(updates)
        )
        recorded = await asyncio.get_running_loop().run_in_executor(self._thread(), store)
        for update, stored in zip(updates, recorded, strict=True):
            if stored is None:
                continue
            with bound_attempt(update.attempt_id):
                for handler in self._routes.get(step_of(update, stored), ()):
                    await handler(update, stored)

    def _thread(self) -> ThreadPoolExecutor:
        if self._storing is None:
            self._storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix=RECORDER_THREAD)
        return self._storing

    def close(self) -> None:
        """Let the storing thread end (an update being stored is finished first)."""
        if self._storing is not None:
            self._storing.shutdown(wait=False)
            self._storing = None
