"""The service as the web app runs it: embedded PBX, AMI adapter and the loop task."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection import claim_contacts
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from tests.dialer.engine.calling.conftest import (
    ALWAYS,
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

BUSY = "+33611000002"  # the recorded test person who is always busy
NEVER_ANSWERS = "+33611000003"


async def test_loop_dials_until_the_contact_waits_for_its_retry(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    [contact_id] = add_people(engine, campaign_id, [BUSY])
    add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock)
    service.tick_seconds = 0.01
    await service.start()
    try:
        for _ in range(2000):
            [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
            if contact.last_result is not None:
                break
            await asyncio.sleep(0.01)
        assert (contact.status, contact.last_result) == ("pending", "busy")
        key = (campaign_id, None)
        assert service.worker is not None and key in service.worker.decisions
    finally:
        await service.stop()
    assert len(rows(engine, CallAttempt)) == 1


async def test_attempts_left_open_by_an_earlier_run_are_closed(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    [contact_id] = add_people(engine, campaign_id, ["+33612340009"])
    # The previous life of this worker claimed and (maybe) dialled, then died.
    claim_contacts(engine, campaign_id, "worker-test", 1, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    await service.stop()
    [attempt] = rows(engine, CallAttempt)
    assert (attempt.state, attempt.result) == ("ended", "ended_while_disconnected")
    [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
    assert contact.status == "pending"
    assert contact.retry_counts == {"ended_while_disconnected": 1}


async def test_stopping_places_no_new_call_and_waits_for_the_live_ones(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    # Rings until the 5 s ring timeout (0.5 s here), then a second person waits.
    policy = ALWAYS.model_copy(update={"ring_timeout_seconds": 5})
    campaign_id = make_campaign(engine, calling=policy)
    add_people(engine, campaign_id, [NEVER_ANSWERS, "+33612340009"])
    add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.1)
    service.tick_seconds = 0.01
    await service.start()
    try:
        for _ in range(500):
            if rows(engine, CallAttempt):
                break
            await asyncio.sleep(0.01)
    finally:
        await service.stop()
    [attempt] = rows(engine, CallAttempt)
    assert attempt.result == "no_answer", "the call's own result, not one closed at restart"
