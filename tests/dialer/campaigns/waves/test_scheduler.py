"""Waves start and finish by themselves, from jobs kept in the service's database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Wave
from dialer.campaigns.waves import schedule_wave
from dialer.campaigns.waves.scheduler import WaveScheduler
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import SimulatorConfig
from tests.dialer.campaigns.waves.test_lifecycle import NOBODY
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    free_port,
    make_campaign,
    rows,
)


def _runtime(engine: Engine, cipher: DataCipher) -> Runtime:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{free_port()}",
        worker_id="worker-waves",
        trunk_max_cps=1000.0,
    )
    return Runtime(settings, engine, cipher)


def _wave_in(engine: Engine, campaign_id: int, start: timedelta, end: timedelta) -> int:
    now = utcnow()
    with session_scope(engine) as session:
        wave = schedule_wave(
            session, campaign_id, "Vague auto", now + start, now + end, pacing_mode="progressive"
        )
        return wave.id or 0


def _wave(engine: Engine, wave_id: int) -> Wave:
    with Session(engine) as session:
        wave = session.get(Wave, wave_id)
    assert wave is not None
    return wave


async def test_a_wave_due_in_two_seconds_starts_by_itself_and_dials(
    engine: Engine, cipher: DataCipher
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [f"+3361299{n:04d}" for n in range(4)])
    add_agents(engine, campaign_id, 2, utcnow())
    wave_id = _wave_in(engine, campaign_id, timedelta(seconds=2), timedelta(hours=1))
    sim = SimulatorConfig(time_factor=0.002, seed=3, population=NOBODY)
    runtime = _runtime(engine, cipher)
    service = DialerService(runtime, pbx=embedded_pbx(runtime.settings, sim), tick_seconds=0.05)
    await service.start()
    try:
        assert _wave(engine, wave_id).status == "scheduled"
        assert service.sim is not None
        for _ in range(600):  # bounded wait for the job, not a timing assertion
            if service.sim.dial_log:
                break
            await asyncio.sleep(0.05)
        wave = _wave(engine, wave_id)
        assert wave.status == "running" and wave.started_at is not None
        assert wave.started_at >= wave.starts_at
        attempts = rows(engine, CallAttempt)
        assert attempts and {a.wave_id for a in attempts} == {wave_id}
        dialled = {record.variables.get("ATTEMPT_ID") for record in service.sim.dial_log}
        assert dialled and dialled <= {str(a.id) for a in attempts}
    finally:
        await service.stop()


def _job_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT id FROM apscheduler_jobs"))}


async def test_jobs_survive_a_restart_and_missed_times_are_caught_up(
    engine: Engine, cipher: DataCipher
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612990100"])
    wave_id = _wave_in(engine, campaign_id, timedelta(hours=1), timedelta(hours=2))
    runtime = _runtime(engine, cipher)
    first = WaveScheduler(runtime)
    first.start()
    first.shutdown()
    await asyncio.sleep(0)
    assert _job_ids(engine) == {f"wave-{wave_id}-start", f"wave-{wave_id}-finish"}
    # The service was down at the start time: the next one starts the wave at once.
    later = FakeClock(utcnow() + timedelta(minutes=90))
    second = WaveScheduler(runtime, clock=later)
    second.start()
    second.shutdown()
    await asyncio.sleep(0)
    assert _wave(engine, wave_id).status == "running"
    later.advance(hours=1)
    third = WaveScheduler(runtime, clock=later)
    third.start()
    third.apply(wave_id, "start")  # a late start job changes nothing
    third.shutdown()
    await asyncio.sleep(0)
    wave = _wave(engine, wave_id)
    assert (wave.status, wave.stopped_at) == ("finished", later.now)
