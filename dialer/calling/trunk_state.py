"""The trunk breaker's state written to the database, for every process to read
(``dialer.selection.explain``, the metrics)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from dialer.calling.trunk_health import TrunkHealth
from dialer.db import session_scope
from dialer.models import TrunkState


def save_trunk_state(engine: Engine, worker_id: str, health: TrunkHealth, now: datetime) -> None:
    with session_scope(engine) as session:
        row = session.get(TrunkState, worker_id) or TrunkState(worker_id=worker_id)
        row.down_since = health.down_since
        row.recent_failures = health.recent_failures
        row.probe_at = health.probe_at
        row.updated_at = now
        session.add(row)
