"""Dialer workers' liveness, so that "dead" is decided from the database."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel


class WorkerHeartbeat(SQLModel, table=True):
    """One row per worker id, touched every few seconds while the worker runs.

    A row older than ``DIALER_WORKER_DEAD_SECONDS`` names a dead worker: the others
    take over its calls, agents and contacts (``dialer.calling.takeover``).
    """

    worker_id: str = Field(primary_key=True, max_length=64)
    started_at: NaiveDatetime  # this life's start (wall clock, naive UTC)
    seen_at: NaiveDatetime = Field(index=True)  # last beat (wall clock, naive UTC)
