"""The screen pop sent the moment the bridge is heard, not when its update is stored.

Call updates are stored one after another (``routing.CallEvents``); on a busy floor a
bridge waited behind the storing of every other call's ringing and hang-ups, and the
agent heard the person before seeing who it was. The bridge's ids are read on a thread
of their own (a read waits for no writer) and the pop leaves at once; the stored
path then knows it was sent, so each call pops once whichever path comes first.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.engine.calling.desk_events import DeskNotifier, ScreenPop
from telephony.ami.updates import CallUpdate
from telephony.results import CallState

log = logging.getLogger(__name__)
READER_THREAD = "early-pop"


@dataclass(frozen=True)
class BridgedCall:
    agent_user_id: int
    pop: ScreenPop


class EarlyPop:
    """Told of every update as it is heard (``AmiClient(on_heard=...)``), on the event loop."""

    def __init__(self, engine: Engine, desk: DeskNotifier) -> None:
        self._engine = engine
        self._desk = desk
        self._reading: ThreadPoolExecutor | None = None
        self._pending: set[int] = set()  # bridges being read
        self._sent: set[int] = set()  # popped here, the stored path not yet told
        self._stored_first: set[int] = set()  # popped by the stored path while being read
        self._tasks: set[asyncio.Task[None]] = set()

    def heard(self, update: CallUpdate) -> None:
        if update.state is not CallState.CONNECTED or not update.attempt_id.isdigit():
            return
        attempt_id = int(update.attempt_id)
        if attempt_id in self._pending or attempt_id in self._sent:
            return
        self._pending.add(attempt_id)
        task = asyncio.get_running_loop().create_task(self._pop(attempt_id))
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

    async def _pop(self, attempt_id: int) -> None:
        try:
            loop = asyncio.get_running_loop()
            bridged = await loop.run_in_executor(self._thread(), self._read, attempt_id)
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

    def _read(self, attempt_id: int) -> BridgedCall | None:
        columns = (
            col(CallAttempt.agent_user_id),
            col(CallAttempt.contact_id),
            col(CallAttempt.campaign_id),
        )
        with Session(self._engine) as db:
            row = db.exec(
                select(*columns).where(
                    col(CallAttempt.id) == attempt_id,
                    col(CallAttempt.result).is_(None),
                    # Stored as bridged already: the stored path has popped it.
                    col(CallAttempt.connected_at).is_(None),
                )
            ).first()
        if row is None:
            return None
        agent, contact, campaign = row
        if agent is None:
            return None
        return BridgedCall(agent, ScreenPop(attempt_id, contact, campaign))

    def _thread(self) -> ThreadPoolExecutor:
        if self._reading is None:
            self._reading = ThreadPoolExecutor(max_workers=1, thread_name_prefix=READER_THREAD)
        return self._reading

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._reading is not None:
            self._reading.shutdown(wait=False)
            self._reading = None
