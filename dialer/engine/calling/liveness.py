"""Workers' heartbeats: whether a worker is alive is read from the database.

Each running worker touches its ``WorkerHeartbeat`` row every few seconds (wall
clock, naive UTC: a process dies in real time, whatever clock a simulated day runs
on). A row older than the dead bound names a worker that stopped and did not come
back: the others take over its work (``dialer.engine.calling.takeover``). Every condition
that acts for a dead worker re-checks, inside its own statement, that it is still
dead, so a worker restarting at that moment keeps what it finds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from dialer.core.db import session_scope
from dialer.engine.models import WorkerHeartbeat

_hb = WorkerHeartbeat


def beat_every(dead_after_s: float) -> float:
    """Seconds between beats (and sweeps): several beats fit in the dead bound."""
    return max(0.05, min(5.0, dead_after_s / 6))


def dead_cutoff(wall_now: datetime, dead_after_s: float) -> datetime:
    return wall_now - timedelta(seconds=dead_after_s)


def beat(engine: Engine, worker_id: str, wall_now: datetime, *, starting: bool = False) -> None:
    """This worker is alive now (``starting``: a new life begins)."""
    values: dict[str, Any] = {"seen_at": wall_now}
    if starting:
        values["started_at"] = wall_now
    with session_scope(engine) as session:
        touched = session.execute(
            update(_hb).where(col(_hb.worker_id) == worker_id).values(**values)
        )
        if not touched.rowcount:  # type: ignore[attr-defined]
            session.add(WorkerHeartbeat(worker_id=worker_id, started_at=wall_now, seen_at=wall_now))


def dead_workers(engine: Engine, cutoff: datetime, *, besides: str) -> list[str]:
    """Workers last seen before ``cutoff``, other than ``besides`` (the asking worker)."""
    with session_scope(engine) as session:
        found = session.execute(
            select(col(_hb.worker_id)).where(
                col(_hb.seen_at) < cutoff, col(_hb.worker_id) != besides
            )
        )
        return [str(row[0]) for row in found]


def live_worker(engine: Engine, cutoff: datetime) -> str | None:
    """The worker seen most recently, if seen since ``cutoff`` (alive), else None."""
    with session_scope(engine) as session:
        found = session.execute(
            select(col(_hb.worker_id))
            .where(col(_hb.seen_at) >= cutoff)
            .order_by(col(_hb.seen_at).desc())
            .limit(1)
        ).first()
        return str(found[0]) if found is not None else None


def still_dead(worker_id: str, cutoff: datetime) -> Any:
    """A condition for a statement acting on a dead worker's rows: it has not come back."""
    return exists().where(col(_hb.worker_id) == worker_id, col(_hb.seen_at) < cutoff)


def forget(engine: Engine, worker_id: str, cutoff: datetime) -> bool:
    """Drop a dead worker's row once its work is taken over; False if it came back."""
    with session_scope(engine) as session:
        gone = session.execute(
            delete(_hb).where(col(_hb.worker_id) == worker_id, col(_hb.seen_at) < cutoff)
        )
        return bool(gone.rowcount)  # type: ignore[attr-defined]
