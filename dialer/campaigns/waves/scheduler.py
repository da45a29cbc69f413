"""Waves start and finish on time, even across restarts: APScheduler over the database.

Each live wave has two date jobs, ``wave-<id>-start`` at ``starts_at`` and
``wave-<id>-end`` at ``ends_at``, kept by a ``SQLAlchemyJobStore`` in the
service's own database (table ``apscheduler_jobs``), so they survive a restart
and every worker process sees the same jobs. A periodic reconciliation (also run
at start-up) catches up what happened while no scheduler ran (a start time that
passed starts the wave, an end time that passed finishes it) and plans the jobs
of waves scheduled meanwhile by another process (the web pages, the CLI).

Jobs are idempotent: two workers may both fire one, and the second finds the
wave already running or finished and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import col, select

from dialer.campaigns.models import Wave
from dialer.campaigns.waves.errors import WaveError
from dialer.campaigns.waves.lifecycle import finish_wave, load_wave, start_wave
from dialer.campaigns.waves.states import LIVE, WaveStatus
from dialer.core.columns import require_id, utcnow
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
JOB_FUNC = "dialer.campaigns.waves.scheduler:run_wave_job"
START, FINISH = "start", "finish"
DEFAULT_SYNC_SECONDS = 15.0

# Stored jobs name their function by import path and cannot carry the runtime, so
# a fired job finds the live scheduler of its database here (filled by start()).
_LIVE: dict[str, list[WaveScheduler]] = {}


def run_wave_job(database_key: str, wave_id: int, action: str) -> None:
    """What a stored job runs: start or finish one wave through the live scheduler."""
    schedulers = _LIVE.get(database_key)
    if not schedulers:
        log.warning("wave job %s/%s fired with no live scheduler", wave_id, action)
        return
    schedulers[0].apply(wave_id, action)


class SharedJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """The job table several worker processes share.

    Two schedulers may run the same due job; the second to remove or update it
    finds it gone. APScheduler 3 would raise from its wake-up callback and never
    wake again, so a job already gone is simply done.
    """

    def remove_job(self, job_id: str) -> None:
        try:
            super().remove_job(job_id)
        except JobLookupError:
            log.debug("wave job %s already removed by another scheduler", job_id)

    def update_job(self, job: Job) -> None:
        try:
            super().update_job(job)
        except JobLookupError:
            log.debug("wave job %s already removed by another scheduler", job.id)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


class WaveScheduler:
    def __init__(
        self,
        runtime: Runtime,
        *,
        clock: Callable[[], datetime] = utcnow,
        sync_seconds: float = DEFAULT_SYNC_SECONDS,
    ) -> None:
        self._engine = runtime.engine
        self._clock = clock
        self._sync_seconds = sync_seconds
        self._key = runtime.engine.url.render_as_string(hide_password=True)
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The running APScheduler, for the service's other periodic jobs."""
        if self._scheduler is None:
            raise RuntimeError("le planificateur n'est pas démarré")
        return self._scheduler

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        """Catch up, plan every live wave's jobs and run them; needs a running event loop."""
        scheduler = AsyncIOScheduler(
            jobstores={
                "default": SharedJobStore(engine=self._engine, tablename=JOB_TABLE),
                "memory": MemoryJobStore(),
            },
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )
        scheduler.start()
        self._scheduler = scheduler
        _LIVE.setdefault(self._key, []).append(self)
        self.reconcile()
        scheduler.add_job(
            self.reconcile,
            "interval",
            seconds=self._sync_seconds,
            id="waves-reconcile",
            jobstore="memory",
            replace_existing=True,
        )

    def shutdown(self) -> None:
        if self._scheduler is None:
            return
        mine = _LIVE.get(self._key, [])
        if self in mine:
            mine.remove(self)
        if not mine:
            _LIVE.pop(self._key, None)
        self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def reconcile(self) -> None:
        """Start or finish the waves whose time passed; plan the others' jobs."""
        now = self._clock()
        with session_scope(self._engine) as session:
            waves = session.exec(select(Wave).where(col(Wave.status).in_(list(LIVE)))).all()
        for wave in waves:
            if wave.id is None:
                continue
            if wave.ends_at <= now:
                self.apply(wave.id, FINISH)
            elif wave.status == WaveStatus.SCHEDULED and wave.starts_at <= now:
                self.apply(wave.id, START)
            else:
                self.plan(wave)

    def plan(self, wave: Wave) -> None:
        """The wave's start and end jobs, written once (rewritten only if a time moved)."""
        if wave.status == WaveStatus.SCHEDULED:
            self._date_job(require_id(wave), START, wave.starts_at)
        self._date_job(require_id(wave), FINISH, wave.ends_at)

    def _date_job(self, wave_id: int, action: str, when: datetime) -> None:
        if self._scheduler is None:
            return
        job_id = f"wave-{wave_id}-{action}"
        run_at = _aware(when)
        existing = self._scheduler.get_job(job_id, jobstore="default")
        if existing is not None and existing.next_run_time == run_at:
            return
        self._scheduler.add_job(
            JOB_FUNC,
            "date",
            run_date=run_at,
            args=[self._key, wave_id, action],
            id=job_id,
            jobstore="default",
            replace_existing=True,
        )

    def apply(self, wave_id: int, action: str) -> None:
        """Start (only a wave still scheduled) or finish a wave; a repeat does nothing."""
        now = self._clock()
        try:
            with session_scope(self._engine) as session:
                if action == FINISH:
                    finish_wave(session, wave_id, now)
                elif load_wave(session, wave_id).status == WaveStatus.SCHEDULED:
                    start_wave(session, wave_id, now)
        except WaveError as error:
            log.warning("wave %s: %s not applied: %s", wave_id, action, error)
