"""The trunk breaker's state written to the database, for every process to read
(``dialer.engine.explain``, the metrics)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from dialer.core.db import session_scope
from dialer.engine.calling.trunk_health import TrunkChange, TrunkHealth
from dialer.engine.models import TrunkState
from telephony.results import CallResult

log = logging.getLogger(__name__)


def save_trunk_state(engine: Engine, worker_id: str, health: TrunkHealth, now: datetime) -> None:
    with session_scope(engine) as session:
        row = session.get(TrunkState, worker_id) or TrunkState(worker_id=worker_id)
        row.down_since = health.down_since
        row.recent_failures = health.recent_failures
        row.probe_at = health.probe_at
        row.updated_at = now
        session.add(row)


class TrunkWatch:
    """The worker's trunk breaker, logged when it changes and told to the other processes."""

    def __init__(self, engine: Engine, worker_id: str, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._worker_id = worker_id
        self._clock = clock
        self.health = TrunkHealth()
        self._changed = False

    @property
    def down(self) -> bool:
        return self.health.down

    def lines_allowed(self, now: datetime) -> int | None:
        return self.health.lines_allowed(now)

    def probe_sent(self) -> None:
        self.health.probe_sent()
        log.info("trunk down: probe call placed")

    def call_ended(self, result: CallResult | None) -> None:
        change = self.health.record(result, self._clock())
        if change is TrunkChange.DOWN:
            log.warning(
                "trunk down: %s network failures in a row, dialling stops on this box",
                self.health.recent_failures,
            )
        elif change is TrunkChange.UP:
            log.warning("trunk back: a call went through, dialling resumes on this box")
        self._changed = self._changed or change is not None

    async def publish(self, now: datetime) -> None:
        """Tell the other processes (explain, dashboard, metrics) on a change and while down."""
        if not (self._changed or self.health.down):
            return
        self._changed = False
        await asyncio.to_thread(save_trunk_state, self._engine, self._worker_id, self.health, now)
