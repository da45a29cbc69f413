"""Dialer workers' liveness and their trunks' state: "dead" and "down" decided from the database."""

from __future__ import annotations

from datetime import timedelta

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class WorkerHeartbeat(SQLModel, table=True):
    """One row per worker id, touched every few seconds while the worker runs.

    A row older than ``DIALER_WORKER_DEAD_SECONDS`` names a dead worker: the others
    take over its calls, agents and contacts (``dialer.engine.calling.takeover``).
    """

    worker_id: str = Field(primary_key=True, max_length=64)
    started_at: NaiveDatetime  # this life's start (wall clock, naive UTC)
    seen_at: NaiveDatetime = Field(index=True)  # last beat (wall clock, naive UTC)


# A worker rewrites its row every tick while its trunk is down; an older row is a
# worker that stopped, whose trunk no longer blocks anything.
TRUNK_STATE_FRESH_FOR = timedelta(minutes=2)


class TrunkState(SQLModel, table=True):
    """Whether a worker's carrier trunk carries calls, as its circuit breaker judged.

    Written by the worker when the state changes and on every tick while down, read
    by « Pourquoi rien ne compose ? », the dashboard and the metrics of any process.
    """

    worker_id: str = Field(primary_key=True, max_length=64)
    down_since: NaiveDatetime | None = None
    recent_failures: int = 0
    probe_at: NaiveDatetime | None = None
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
