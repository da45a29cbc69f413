"""Predictive dialling: the agent is chosen when the person answers, or the call is abandoned."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.engine import Engine

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.pacing import PacingParams
from dialer.engine.service import DialerService
from tests.dialer.engine.calling.conftest import (
    ALWAYS,
    DeskAgent,
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
    run_until_idle,
)


def warm_up(service: DialerService, campaign_id: int) -> None:
    """As if the day had already run: the pacing trusts its model, no longer reserving
    an agent per line as it does while warming up."""
    assert service.worker is not None
    stats = service.worker.stats_of(campaign_id)
    for _ in range(PacingParams().warmup_calls):
        stats.attempt_finished(answered=True, ring_s=4.0)


RINGS_THEN_ANSWERS = "+33611000006"  # the recorded test person: rings 4 s, then answers
ANSWERS_AT_ONCE = "+33611000005"  # answers and hangs up after 3 s
# The person waits 2 simulated seconds for an agent: at 0.1 that is 0.2 s of real time, which a
# loaded machine on PostgreSQL missed (an abandon instead of a hand-over); 0.5 leaves a second.
HAND_OVER_TIME_FACTOR = 0.5


async def test_answered_with_no_agent_free_is_abandoned_and_rescheduled(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine, pacing_mode="predictive")
    [contact_id] = add_people(engine, campaign_id, [RINGS_THEN_ANSWERS])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.1)
    await service.start(run_loop=False)
    warm_up(service, campaign_id)
    try:
        report = await service.tick()
        assert report.placed == 1
        # While the phone rings the only agent goes on a break: nobody can take the call.
        with session_scope(engine) as session:
            presence.pause(session, agent, "Pause café", clock.now)
        await run_until_idle(engine, service)
        [attempt] = rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)
        assert attempt.result == "abandoned"
        assert attempt.agent_user_id is None and attempt.connected_at is None
        assert attempt.answered_at is not None
        [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
        assert contact.status == "pending"
        assert contact.next_attempt_at == clock.now + timedelta(minutes=30)
        assert contact.retry_counts == {"abandoned": 1}
        assert service.sim is not None
        assert [r.result for r in service.sim.dial_log] == ["abandoned"]
        assert service.sim.dial_log[0].variables["AGENT"] == ""
        [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
        assert state.state == "paused"
    finally:
        await service.stop()


async def test_an_agent_freed_while_the_person_waits_takes_the_call(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    patient = ALWAYS.model_copy(update={"abandon_after_seconds": 30.0})  # 3 s real here
    campaign_id = make_campaign(engine, pacing_mode="predictive", calling=patient)
    [contact_id] = add_people(engine, campaign_id, [RINGS_THEN_ANSWERS])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.1)
    await service.start(run_loop=False)
    warm_up(service, campaign_id)
    worker = service.worker
    assert worker is not None
    try:
        assert (await service.tick()).placed == 1
        with session_scope(engine) as session:
            presence.pause(session, agent, "Pause café", clock.now)
        for _ in range(300):  # the phone rings 0.4 s, then the person waits for an agent
            if worker.waiting_calls:
                break
            await asyncio.sleep(0.01)
        assert worker.waiting_calls == 1
        with session_scope(engine) as session:
            presence.make_available(session, agent, clock.now)
        await service.tick()
        for _ in range(300):
            [attempt] = rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)
            if attempt.state == "connected":  # stored by the recorder, not only popped
                break
            await asyncio.sleep(0.01)
        assert attempt.connected_at is not None and attempt.agent_user_id == agent
        assert worker.waiting_calls == 0
        [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
        assert state.state == "on_call" and state.attempt_id == attempt.id
    finally:
        await service.stop()


async def test_answered_call_is_handed_to_the_free_agent(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine, pacing_mode="predictive")
    [contact_id] = add_people(engine, campaign_id, [ANSWERS_AT_ONCE])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=HAND_OVER_TIME_FACTOR)
    await service.start(run_loop=False)
    warm_up(service, campaign_id)
    desk = DeskAgent(
        engine,
        service,
        agent,
        clock,
        lambda _: OutcomeInput(interview="accepted", offer="accepted"),
    )
    task = asyncio.create_task(desk.run())
    try:
        await run_until_idle(engine, service)
        [attempt] = rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)
        assert (attempt.result, attempt.agent_user_id) == ("answered", agent)
        assert attempt.connected_at is not None
        assert desk.popped == [attempt.id] and desk.recorded == [attempt.id]
        [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
        assert (contact.status, contact.done_reason) == ("done", "offer_accepted")
        [state] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
        assert state.state == "available" and state.attempt_id is None
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await service.stop()
