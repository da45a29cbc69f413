"""Pausing a campaign from its page: dialling stops on the next tick, calls in progress end.

Through the PBX simulator over TCP, on both databases, as the other engine tests.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.lifecycle import CampaignEvent, move_campaign
from dialer.campaigns.models import Campaign
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.service import DialerService
from tests.dialer.engine.calling.conftest import (
    DeskAgent,
    FakeClock,
    add_agents,
    add_people,
    agents_busy,
    make_campaign,
    make_service,
    rows,
)

NUMBERS = [f"+3361234{n:04d}" for n in range(12)]


def _move(engine: Engine, campaign_id: int, event: CampaignEvent) -> None:
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        move_campaign(session, campaign, event)


def _attempts(engine: Engine, campaign_id: int) -> list[CallAttempt]:
    return rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)


async def _drain_while_paused(engine: Engine, service: DialerService, campaign_id: int) -> None:
    """Tick until the calls placed before the pause are over; none may be placed meanwhile."""
    assert service.worker is not None
    for _ in range(3000):
        report = await service.tick()
        assert report.placed == 0, "a paused campaign placed a call"
        await asyncio.sleep(0.01)
        busy = await asyncio.to_thread(agents_busy, engine)
        if service.worker.live_calls == 0 and busy == 0:
            return
    raise AssertionError("the calls in progress never ended")


async def test_pause_stops_dialling_at_once_and_lets_calls_end(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, NUMBERS)
    agents = add_agents(engine, campaign_id, 2, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    desks = [
        DeskAgent(engine, service, a, clock, lambda _: OutcomeInput(interview="refused"))
        for a in agents
    ]
    tasks = [asyncio.create_task(desk.run()) for desk in desks]
    try:
        first = await service.tick()
        assert first.placed > 0
        placed = {a.id for a in _attempts(engine, campaign_id)}
        in_progress = [a for a in _attempts(engine, campaign_id) if a.result is None]
        assert in_progress, "the test needs calls still in progress when it pauses"

        _move(engine, campaign_id, CampaignEvent.PAUSE)
        await _drain_while_paused(engine, service, campaign_id)

        after = _attempts(engine, campaign_id)
        assert {a.id for a in after} == placed  # not one call placed while paused
        assert all(a.result is not None and a.state == "ended" for a in after)
        # Ended by the PBX as any call ends, not cut by the pause.
        assert "ended_while_disconnected" not in {a.result for a in after}
        answered = [a.id for a in after if a.result == "answered"]
        recorded = {attempt for desk in desks for attempt in desk.recorded}
        assert set(answered) <= recorded  # the agents finished their calls

        _move(engine, campaign_id, CampaignEvent.RESUME)
        resumed = await service.tick()
        assert resumed.placed > 0
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == "active"
