"""A dead worker's work, taken over by the living: its calls, its agents, its previews.

Every worker sweeps every few seconds (``liveness.beat_every``). A worker whose
heartbeat is older than ``DIALER_WORKER_DEAD_SECONDS`` stopped and did not come
back (a crash, or a box removed): nobody will hear how its calls end. Its previews
go back to the queue, its open attempts end ``ended_while_disconnected`` (the retry
rule brings the person back; an agent who talked records the outcome), the agents
it held with no call are available again, and each agent's desk is told. Every row
is taken by a conditional UPDATE that also checks the worker is still dead, so
sweeps running at once on several workers, or a worker coming back at that moment,
close nothing twice and nothing alive.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.core.db import session_scope
from dialer.engine.calling import liveness, presence
from dialer.engine.calling.desk_events import CallEnded, Notice
from dialer.engine.calling.preview import release_previews
from dialer.engine.calling.recorder import CallRecorder
from telephony.results import CallResult

log = logging.getLogger(__name__)


def take_over_dead(
    engine: Engine, recorder: CallRecorder, me: str, wall_now: datetime, dead_after_s: float,
    now: datetime,
) -> list[Notice]:  # fmt: skip
    """Take over every worker but ``me`` silent for ``dead_after_s``; the desks' events."""
    cutoff = liveness.dead_cutoff(wall_now, dead_after_s)
    notices: list[Notice] = []
    for dead in liveness.dead_workers(engine, cutoff, besides=me):
        notices.extend(take_over(engine, recorder, dead, cutoff, now))
    return notices


def take_over(
    engine: Engine, recorder: CallRecorder, dead: str, cutoff: datetime, now: datetime
) -> list[Notice]:
    still_dead = liveness.still_dead(dead, cutoff)
    notices = release_previews(engine, dead, now, only_expired=False, only_if=still_dead)
    previews, closed = len(notices), 0
    for attempt_id in _open_attempts(engine, dead):
        recorded = recorder.close_unsent(
            attempt_id, CallResult.ENDED_WHILE_DISCONNECTED, only_if=still_dead
        )
        if recorded is None:
            continue
        closed += 1
        if recorded.agent_user_id is not None:
            ids = (recorded.attempt_id, recorded.contact_id, recorded.campaign_id)
            notices.append((recorded.agent_user_id, CallEnded(*ids, result=recorded.result)))
    with session_scope(engine) as session:
        freed = presence.release_held(session, dead, now, still_dead)
    if liveness.forget(engine, dead, cutoff):
        log.warning(
            "worker %s is dead: %d call(s) closed, %d preview(s) and %d agent(s) released",
            dead, closed, previews, len(freed),
        )  # fmt: skip
    return notices


def _open_attempts(engine: Engine, worker_id: str) -> list[int]:
    with session_scope(engine) as session:
        ids = session.exec(
            select(CallAttempt.id)
            .where(CallAttempt.worker_id == worker_id, col(CallAttempt.result).is_(None))
            .order_by(col(CallAttempt.id))
        ).all()
    return [i for i in ids if i is not None]
