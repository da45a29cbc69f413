"""A trunk outage is not the people's fault: every contact stays callable, the box pauses.

Through the PBX simulator over TCP, which answers an unreachable trunk as Asterisk 22
does: PJSIP/<e164>@trunk creates no channel (Reason 0, no cause), and the [outbound]
context behind Local/<national>@outbound/n hangs up with cause 3, no route.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.engine.explain import explain_campaign
from dialer.engine.models import TrunkState
from dialer.operations.monitoring.database import DatabaseCollector
from telephony.sim import PopulationModel
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

SETTLE_S = 5.0  # a bound against hanging, not a speed assertion
NUMBERS = [f"+3361299{n:04d}" for n in range(30)]
EVERYONE_ANSWERS = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=1.0, talk_mean_s=5.0, talk_min_s=2.0, talk_max_s=10.0,
)  # fmt: skip


async def tick_until(service, clock: FakeClock, done, ticks: int = 400) -> None:  # type: ignore[no-untyped-def]
    for _ in range(ticks):
        await service.tick()
        clock.advance(seconds=1)
        await asyncio.sleep(0.01)
        if await asyncio.to_thread(done):
            return
    raise AssertionError("condition not reached")


async def failures_stored(engine: Engine) -> None:
    """Wait (bounded) until every call placed has its result stored, as it has between
    two real ticks half a second apart: here a tick follows the last one 10 ms later,
    and on a loaded machine it could place calls the box would have known not to."""
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        if all(a.result is not None for a in await asyncio.to_thread(rows, engine, CallAttempt)):
            return
        await asyncio.sleep(0.01)


async def tick_while_down(service, clock: FakeClock, done, ticks: int = 400) -> None:  # type: ignore[no-untyped-def]
    async def stored_then_done() -> bool:
        await failures_stored(service.runtime.engine)
        return bool(await asyncio.to_thread(done))

    for _ in range(ticks):
        await service.tick()
        clock.advance(seconds=1)
        if await stored_then_done():
            return
    raise AssertionError("condition not reached")


@pytest.mark.parametrize(
    "template", ["PJSIP/{e164}@trunk", "Local/{national}@outbound/n"], ids=["pjsip", "local"]
)
async def test_trunk_outage_leaves_every_contact_callable_and_pauses_the_box(
    engine: Engine, cipher: DataCipher, clock: FakeClock, template: str
) -> None:
    campaign_id = make_campaign(engine, pacing_mode="predictive")
    add_people(engine, campaign_id, NUMBERS)
    add_agents(engine, campaign_id, 4, clock.now)
    service = make_service(
        engine, cipher, clock, dial_template=template, population=EVERYONE_ANSWERS
    )
    await service.start(run_loop=False)
    assert service.sim is not None and service.worker is not None
    service.sim.faults.trunk_down = True
    try:
        await tick_while_down(service, clock, lambda: service.worker.trunk.down)  # type: ignore[union-attr]
        for _ in range(20):  # the box stays quiet while the trunk is down
            await service.tick()
            clock.advance(seconds=1)
            await failures_stored(engine)
        assert service.worker.live_calls == 0
        failed = rows(engine, CallAttempt, CallAttempt.result == "network_failure")
        assert 10 <= len(failed) <= 14, "stops soon after the tenth failure in a row"
        assert len(service.sim.dial_log) <= len(failed) + 1, "at most one probe meanwhile"
        contacts = rows(engine, CampaignContact, CampaignContact.campaign_id == campaign_id)
        assert all(c.status == "pending" and c.attempts == 0 for c in contacts)
        assert not [c for c in contacts if c.done_reason]
        [state] = rows(engine, TrunkState)
        assert state.down_since is not None and state.worker_id == "worker-test"
        why = explain_campaign(engine, campaign_id, clock.now).text_fr
        assert "Le trunk opérateur ne répond pas sur worker-test" in why
        service.runtime.metrics.add_collector("database", DatabaseCollector(engine, clock))
        metrics = service.runtime.metrics.render().decode()
        assert 'dialer_trunk_down{worker="worker-test"} 1.0' in metrics

        # The carrier is back: the next probe goes through and dialling resumes.
        service.sim.faults.trunk_down = False
        await tick_until(service, clock, lambda: not service.worker.trunk.down)  # type: ignore[union-attr]
        await tick_until(
            service,
            clock,
            lambda: len(rows(engine, CallAttempt, CallAttempt.result == "answered")) >= 3,
        )
        [state] = rows(engine, TrunkState)
        assert state.down_since is None
        assert "trunk" not in explain_campaign(engine, campaign_id, clock.now).text_fr
    finally:
        await service.stop()
