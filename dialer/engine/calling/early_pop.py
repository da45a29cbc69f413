"""The screen pop sent the moment the bridge is heard, not when its update is stored.

Call updates are stored one after another (``routing.CallEvents``); on a busy floor a
bridge waited behind the storing of every other call's ringing and hang-ups, and the
agent heard the person before seeing who it was. Here, on a thread of its own, the
bridge's moment (``connected_at``) is stored alone, by one conditional UPDATE, and the
pop leaves once it is committed: a worker dying right after still leaves the call
known as talked (the person is not called again, the agent's outcome is awaited).
The recorder applies the bridge's other effects (presence, leases) when its turn
comes; each call pops once, whichever path comes first.

On PostgreSQL the desks are in web processes: the same statement that stores the
moment announces the pop (``pg_notify``, delivered at its commit), on a connection of
this thread's own. The pop then neither waits behind the worker's queued notices nor
costs the round trips of a pooled transaction.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import psycopg
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col

from dialer.campaigns.attempts import CallAttempt
from dialer.core.db import session_scope
from dialer.core.kept_connections import KeptConnections
from dialer.core.sqlite_writer import first_in_line
from dialer.engine.calling.bridge import NoticeTarget
from dialer.engine.calling.desk_events import DeskNotifier, ScreenPop
from dialer.engine.calling.events import SCREEN_POP
from dialer.engine.calling.recorder import epoch_to_utc
from telephony.ami.updates import CallUpdate
from telephony.results import CallState

log = logging.getLogger(__name__)
WRITER_THREAD = "early-pop"

# The moment stored as below, and the notice written as ``bridge.encode_notice`` writes it.
_STORE_AND_ANNOUNCE = """
WITH bridged AS (
    UPDATE callattempt SET connected_at = %(at)s
    WHERE id = %(attempt)s AND result IS NULL AND connected_at IS NULL
    RETURNING agent_user_id, contact_id, campaign_id
)
SELECT agent_user_id, contact_id, campaign_id,
       CASE WHEN agent_user_id IS NOT NULL THEN pg_notify(%(channel)s, json_build_object(
           'o', %(origin)s::text, 'a', agent_user_id,
           'p', json_build_object('attempt_id', %(attempt)s::integer, 'contact_id', contact_id,
                                  'campaign_id', campaign_id, 'kind', %(kind)s::text))::text)
       END
FROM bridged
"""


@dataclass(frozen=True)
class BridgedCall:
    agent_user_id: int
    pop: ScreenPop
    announced: bool  # told to the other processes by the statement that stored it


@dataclass(frozen=True)
class Announcing:
    """PostgreSQL: where the storing statement announces the pop, and the desks of this
    process (if it serves any), which its notices skip."""

    target: NoticeTarget
    local: DeskNotifier


class EarlyPop:
    """Told of every update as it is heard (``AmiClient(on_heard=...)``), on the event loop."""

    def __init__(
        self, engine: Engine, desk: DeskNotifier, announcing: Announcing | None = None
    ) -> None:
        self._engine = engine
        self._desk = desk
        self._announcing = announcing
        # PostgreSQL: the storing statement's connection, used by this path's one thread.
        self._kept = KeptConnections(announcing.target.conninfo) if announcing else None
        self._storing: ThreadPoolExecutor | None = None
        self._pending: set[int] = set()  # bridges being stored
        self._sent: set[int] = set()  # popped here, the stored path not yet told
        # The stored path's pops held while the bridge was being stored here.
        self._held: dict[int, tuple[int, ScreenPop]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        """PostgreSQL: the statement's connection opened now, not at the first bridge
        (connecting then made that pop late, and the stored path popped it first)."""
        if self._kept is not None:
            self._thread().submit(self._open, self._kept)

    @staticmethod
    def _open(kept: KeptConnections) -> None:
        try:
            with kept.connection():
                pass  # opened, and kept for the first bridge
        except psycopg.Error:
            log.warning("early screen pop: no connection yet, opened at the first bridge")

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

    def still_to_pop(self, attempt_id: int, agent_user_id: int, pop: ScreenPop) -> bool:
        """For the stored path: False when the pop left from here, or is held until this
        path knows whether its own statement announced it."""
        if attempt_id in self._sent:
            self._sent.discard(attempt_id)
            return False
        if attempt_id in self._pending:
            self._held[attempt_id] = (agent_user_id, pop)
            return False
        return True

    def forget(self, attempt_id: int) -> None:
        """The call ended: nothing more to pop for it."""
        self._sent.discard(attempt_id)
        self._held.pop(attempt_id, None)

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
        held = self._held.pop(attempt_id, None)
        if bridged is None:
            if held is not None:
                self._desk.screen_pop(*held)
            return
        self._sent.add(attempt_id)
        if bridged.announced and self._announcing is not None:
            self._announcing.local.screen_pop(bridged.agent_user_id, bridged.pop)
        else:
            self._desk.screen_pop(bridged.agent_user_id, bridged.pop)

    def _store_bridge(self, attempt_id: int, bridged_at: datetime | None) -> BridgedCall | None:
        """The bridge's moment stored (once: not if the stored path or an end came first)."""
        if self._announcing is not None and self._kept is not None:
            return self._store_and_announce(
                self._kept, self._announcing.target, attempt_id, bridged_at
            )
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
        if row is None or row[0] is None:
            return None
        agent, contact, campaign = row
        return BridgedCall(agent, ScreenPop(attempt_id, contact, campaign), announced=False)

    @staticmethod
    def _store_and_announce(
        kept: KeptConnections, target: NoticeTarget, attempt_id: int, bridged_at: datetime | None
    ) -> BridgedCall | None:
        parameters = {"at": bridged_at, "attempt": attempt_id, "channel": target.channel,
                      "origin": target.origin, "kind": SCREEN_POP}  # fmt: skip
        with kept.connection() as conn:
            row = conn.execute(_STORE_AND_ANNOUNCE, parameters).fetchone()
        if row is None or row[0] is None:
            return None
        agent, contact, campaign, _ = row
        return BridgedCall(agent, ScreenPop(attempt_id, contact, campaign), announced=True)

    def _thread(self) -> ThreadPoolExecutor:
        if self._storing is None:
            self._storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WRITER_THREAD)
        return self._storing

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._storing is not None:
            if self._kept is not None:
                # Closed on its own thread, after any statement under way.
                self._storing.submit(self._kept.close)
            self._storing.shutdown(wait=False)
            self._storing = None
