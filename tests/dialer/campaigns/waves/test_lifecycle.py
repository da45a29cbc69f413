"""Starting, pausing, resuming and stopping a wave, with the dialer and the PBX simulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, Wave
from dialer.campaigns.waves import (
    WaveError,
    finish_wave,
    pause_wave,
    resume_wave,
    schedule_wave,
    start_wave,
    stop_wave,
)
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.calling.snapshot import dial_targets
from telephony.sim import PopulationModel
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
    run_until_idle,
)

# Nobody answers: every call ends on its own, no agent owes an outcome.
NOBODY = PopulationModel(busy=0.5, no_answer=0.5, congestion=0.0, invalid=0.0, machine=0.0)


def _wave(engine: Engine, campaign_id: int, clock: FakeClock, **extra: object) -> int:
    with session_scope(engine) as session:
        wave = schedule_wave(
            session, campaign_id, "Vague 1", clock.now + timedelta(minutes=5),
            clock.now + timedelta(hours=2), now=clock.now, **extra,  # type: ignore[arg-type]
        )  # fmt: skip
        return wave.id or 0


def _targets(engine: Engine, clock: FakeClock) -> list[tuple[int, int | None]]:
    with session_scope(engine) as session:
        return [(t.campaign_id, t.wave_id) for t in dial_targets(session, clock.now)]


def test_start_activates_the_campaign_and_is_idempotent(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.status = "draft"
    wave_id = _wave(engine, campaign_id, clock, pacing_mode="predictive")
    assert _targets(engine, clock) == []
    with session_scope(engine) as session:
        wave = start_wave(session, wave_id, clock.now)
        # Started by hand five minutes early: it calls from now on.
        assert (wave.status, wave.starts_at, wave.started_at) == ("running", clock.now, clock.now)
    clock.advance(minutes=1)
    with session_scope(engine) as session:
        again = start_wave(session, wave_id, clock.now)
        assert (again.status, again.started_at) == ("running", clock.now - timedelta(minutes=1))
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == "active"
    assert _targets(engine, clock) == [(campaign_id, wave_id)]


def test_moves_and_refusals(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    wave_id = _wave(engine, campaign_id, clock)
    with session_scope(engine) as session:
        with pytest.raises(WaveError, match="Impossible de mettre en pause une vague programmée"):
            pause_wave(session, wave_id, clock.now)
        start_wave(session, wave_id, clock.now)
        assert pause_wave(session, wave_id, clock.now).status == "paused"
        assert resume_wave(session, wave_id, clock.now).status == "running"
        stopped = stop_wave(session, wave_id, clock.now)
        assert (stopped.status, stopped.stopped_at) == ("stopped", clock.now)
        # Finishing a stopped wave (its end job firing later) changes nothing.
        assert finish_wave(session, wave_id, clock.now).status == "stopped"
        with pytest.raises(WaveError, match="Impossible de démarrer une vague arrêtée"):
            start_wave(session, wave_id, clock.now)
    late = _wave(engine, campaign_id, clock)
    clock.advance(hours=3)
    with (
        session_scope(engine) as session,
        pytest.raises(WaveError, match="fin de la vague est passée"),
    ):
        start_wave(session, late, clock.now)


async def test_a_paused_wave_places_no_call_and_lets_calls_in_flight_end(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [f"+3361234{n:04d}" for n in range(6)])
    add_agents(engine, campaign_id, 2, clock.now)
    wave_id = _wave(engine, campaign_id, clock)
    with session_scope(engine) as session:
        start_wave(session, wave_id, clock.now)
    service = make_service(engine, cipher, clock, population=NOBODY)
    await service.start(run_loop=False)
    try:
        first = await service.tick()
        assert first.placed == 2  # one call per available agent (progressive)
        with session_scope(engine) as session:
            pause_wave(session, wave_id, clock.now)
        assert _targets(engine, clock) == []
        assert await run_until_idle(engine, service) == 0
        attempts = rows(engine, CallAttempt)
        assert len(attempts) == 2
        assert all(a.result in ("busy", "no_answer") and a.wave_id == wave_id for a in attempts)
        with session_scope(engine) as session:
            resume_wave(session, wave_id, clock.now)
        assert await run_until_idle(engine, service) == 4  # the other four, never the retries
    finally:
        await service.stop()
    waves = rows(engine, Wave)
    assert [w.status for w in waves] == ["running"]
