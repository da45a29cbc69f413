"""The privacy jobs on the service's APScheduler 3 scheduler: nightly purge, trail checkpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from dialer.compliance.privacy.anchor import take_checkpoint
from dialer.compliance.privacy.retention import RetentionPolicy, run_purge
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime

log = logging.getLogger(__name__)
JOB_ID = "privacy-retention"
CHECKPOINT_JOB_ID = "privacy-trail-checkpoint"
EngineSource = Engine | Runtime | Callable[[], Engine]


def schedule_retention(
    scheduler: Any,
    engine_source: EngineSource,
    *,
    policy: RetentionPolicy | None = None,
    hour: int = 2,
    minute: int = 30,
    timezone: str = "Europe/Paris",
    jobstore: str = "default",
) -> Any:
    """Add (or replace) the nightly purge; returns the APScheduler job.

    The engine is resolved when the job runs, so a factory may hand out the
    service's engine after the scheduler was set up. Runs at night local time,
    when no campaign calls, so the purge's locks never slow an agent's screen.
    """
    from apscheduler.triggers.cron import CronTrigger

    def purge() -> None:
        report = run_purge(_engine_of(engine_source), utcnow(), policy)
        log.info("retention purge done: %s", report.counts.detail_fr() or "nothing to purge")

    return scheduler.add_job(
        purge,
        CronTrigger(hour=hour, minute=minute, timezone=timezone),
        id=JOB_ID,
        jobstore=jobstore,
        name="Purge de conservation des données",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )


def _engine_of(source: EngineSource) -> Engine:
    if isinstance(source, Engine):
        return source
    if isinstance(source, Runtime):
        return source.engine
    return source()


def schedule_checkpoints(scheduler: Any, runtime: Runtime, *, jobstore: str = "default") -> Any:
    """Seal the trail's head into the checkpoint file every ``trail_checkpoint_minutes``."""
    from apscheduler.triggers.interval import IntervalTrigger

    settings = runtime.settings

    def checkpoint() -> None:
        with session_scope(runtime.engine) as session:
            point = take_checkpoint(session, runtime.cipher.ring, settings.trail_checkpoint_file)
        log.info("trail checkpoint: %s entries, last %s", point.count, point.last_id)

    return scheduler.add_job(
        checkpoint,
        IntervalTrigger(minutes=settings.trail_checkpoint_minutes),
        id=CHECKPOINT_JOB_ID,
        jobstore=jobstore,
        name="Point de contrôle de la traçabilité",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
