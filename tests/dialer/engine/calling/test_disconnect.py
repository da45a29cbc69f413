"""An AMI connection dropped in the middle of calls loses no attempt and dials none twice."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.engine.calling.outcome_input import OutcomeInput
from telephony.sim import PopulationModel
from tests.dialer.engine.calling.conftest import (
    DeskAgent,
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
    run_until_idle,
)

# Everyone answers and talks 30 to 60 simulated seconds: at time factor 0.004 the two calls
# live when the link drops usually end before the adapter's first reconnect (0.25 s at
# the soonest), as ended_while_disconnected; either ending must leave the same records.
TALKERS = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=1.0, talk_mean_s=45.0, talk_min_s=30.0, talk_max_s=60.0,
)  # fmt: skip


async def test_dropped_connection_mid_call(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [f"+3361555{n:04d}" for n in range(6)])
    agents = add_agents(engine, campaign_id, 2, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.004, population=TALKERS)
    await service.start(run_loop=False)
    desks = [
        DeskAgent(engine, service, a, clock, lambda _: OutcomeInput(interview="refused"))
        for a in agents
    ]
    tasks = [asyncio.create_task(desk.run()) for desk in desks]
    assert service.sim is not None and service.client is not None
    try:
        for _ in range(1000):
            await service.tick()
            if len(service.sim.active_channels()) == 2 and all(d.popped for d in desks):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("no two calls ever connected")
        service.sim.faults.drop_connections()
        await run_until_idle(engine, service)

        log = service.sim.dial_log
        attempts = rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)
        dialled = Counter(record.variables["ATTEMPT_ID"] for record in log)
        assert all(count == 1 for count in dialled.values())  # no attempt dialled twice
        assert set(dialled) == {str(a.id) for a in attempts}  # every call on record
        assert all(a.result is not None for a in attempts)
        # Each of the 6 people was reached and talked to an agent, exactly once.
        assert Counter(a.contact_id for a in attempts if a.connected_at) == Counter(
            {c.id: 1 for c in rows(engine, CampaignContact)}
        )
        contacts = rows(engine, CampaignContact, CampaignContact.campaign_id == campaign_id)
        assert all((c.status, c.done_reason) == ("done", "interview_refused") for c in contacts)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
