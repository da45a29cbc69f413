"""Call control from a web process that does not dial: the command goes to the worker.

The worker that placed the call runs it (``DialerService.execute_desk_command``) with
the very methods the in-process control calls, and its refusal comes back with its
kind (``dialer.engine.calling.commands``): the desk answers alike on both paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from dialer.core.columns import utcnow
from dialer.engine.calling.commands import (
    DIAL_PREVIEW,
    HANGUP,
    REPLY_TIMEOUT_S,
    CommandSender,
    CommandTimeout,
)
from dialer.engine.calling.control import (
    NO_ANSWER_FR,
    CallControlRefused,
    CallRef,
    PreviewPassing,
    Refusal,
)
from dialer.engine.calling.liveness import dead_cutoff, live_worker


class RemoteCallControl(PreviewPassing):
    def __init__(
        self, sender: CommandSender, engine: Engine, clock: Callable[[], datetime],
        dead_after_s: float = 45.0,
    ) -> None:  # fmt: skip
        super().__init__(engine, clock)
        self._sender = sender
        self._dead_after_s = dead_after_s

    async def hang_up(self, call: CallRef, *, timeout_s: float | None = None) -> None:
        await self._ask(call, HANGUP, timeout_s)

    async def dial_preview(self, call: CallRef) -> None:
        await self._ask(call, DIAL_PREVIEW, None)

    def dialing_worker(self) -> str | None:
        """The worker seen alive most recently: it places the manual call (any would do)."""
        return live_worker(self._engine, dead_cutoff(utcnow(), self._dead_after_s))

    async def _ask(self, call: CallRef, action: str, timeout_s: float | None) -> None:
        try:
            refused = await self._sender.send(
                call.worker_id, action, call.attempt_id, call.agent_user_id,
                timeout_s=timeout_s or REPLY_TIMEOUT_S,
            )  # fmt: skip
        except CommandTimeout:
            raise CallControlRefused(Refusal.NO_ANSWER, NO_ANSWER_FR) from None
        if refused is not None:
            raise refused
