"""The screen pop sent the moment the bridge is heard, not when its update is stored.

Call updates are stored one after another (``routing.CallEvents``); on a busy floor a
bridge waited behind the storing of every other call's ringing and hang-ups, and the
agent heard the person before seeing who it was. Here, on a thread of its own, the
bridge's moment (``connected_at``) is stored alone, by one conditional UPDATE, and the
pop leaves once it is committed: a worker dying right after still leaves the call
known as talked (the person is not called again, the agent's outcome is awaited).
The recorder applies the bridge's other effects (presence, leases) when its turn
comes; each call pops once, whichever path comes first.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col

from dialer.campaigns.attempts import CallAttempt
from dialer.core.db import session_scope
from dialer.core.sqlite_writer import first_in_line
from dialer.engine.calling.desk_events import DeskNotifier, ScreenPop
from dialer.engine.calling.recorder import epoch_to_utc
from telephony.ami.updates import CallUpdate
from telephony.results import CallState

log = logging.getLogger(__name__)
WRITER_THREAD = "early-pop"


@dataclass(frozen=True)
class BridgedCall:
    agent_user_id: int
    pop: ScreenPop


class EarlyPop:
    """Told of every update as it is heard (``AmiClient(on_heard=...)``), on the event loop."""

    def __init__(self, engine: Engine, desk: DeskNotifier) -> None:
        self._engine = engine
        self._desk = desk
        self._storing: ThreadPoolExecutor | None = None
        self._pending: set[int] = set()  # bridges being stored
        self._sent: set[int] = set()  # popped here, the stored path not yet told
        self._stored_first: set[int] = set()  # popped by the stored path while being stored here
        self._tasks: set[asyncio.Task[None]] = set()

    def heard(self, update: CallUpdate) -> None:
        if update.state is not CallState.CONNECTED or not update.attempt_id.isdigit():
            return
        attempt_id = int(update.attempt_id)
        if attempt_id in self._pending or attempt_id in self._sent:
            return
        self._pending.add(attempt_id)
        bridged_at = epoch_to_utc(update.connected_at or update.at)
        task = asyncio.get_running_loop().create_task(self._pop(attempt_id, bridged_at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def still_to_pop(self, attempt_id: int) -> bool:
        """For the stored path: False when the pop already left from here."""
        if attempt_id in self._sent:
            self._sent.discard(attempt_id)
            return False
        if attempt_id in self._pending:
            self._stored_first.add(attempt_id)
        return True

    def forget(self, attempt_id: int) -> None:
        """The call ended: nothing more to pop for it."""
        self._sent.discard(attempt_id)

    async def _pop(self, attempt_id: int, bridged_at: datetime | None) -> None:
        try:
            loop = asyncio.get_running_loop()
            store = functools.partial(self._store_bridge, attempt_id, bridged_at)
            bridged = await loop.run_in_executor(self._thread(), store)
        except Exception:
            # The stored path pops it all the same: this one only makes it sooner.
            log.exception("early screen pop of attempt %s failed", attempt_id)
            bridged = None
        finally:
            self._pending.discard(attempt_id)
        if attempt_id in self._stored_first:
            self._stored_first.discard(attempt_id)
            return
        if bridged is not None:
            self._sent.add(attempt_id)
            self._desk.screen_pop(bridged.agent_user_id, bridged.pop)

    def _store_bridge(self, attempt_id: int, bridged_at: datetime | None) -> BridgedCall | None:
        """The bridge's moment stored (once: not if the stored path or an end came first)."""
        # The agent is hearing the person: this write goes before the queued ones.
        with first_in_line(), session_scope(self._engine) as db:
            # One statement: the UPDATE says which call it took (RETURNING).
            row = db.execute(
                update(CallAttempt)
                .where(
                    col(CallAttempt.id) == attempt_id,
                    col(CallAttempt.result).is_(None),
                    col(CallAttempt.connected_at).is_(None),
                )
                .values(connected_at=bridged_at)
                .returning(
                    col(CallAttempt.agent_user_id),
                    col(CallAttempt.contact_id),
                    col(CallAttempt.campaign_id),
                )
                .execution_options(synchronize_session=False)
            ).first()
            if row is None:
                return None
        agent, contact, campaign = row
        if agent is None:
            return None
        return BridgedCall(agent, ScreenPop(attempt_id, contact, campaign))

    def _thread(self) -> ThreadPoolExecutor:
        if self._storing is None:
            self._storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WRITER_THREAD)
        return self._storing

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._storing is not None:
            self._storing.shutdown(wait=False)
            self._storing = None
