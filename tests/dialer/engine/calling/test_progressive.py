"""A progressive campaign dialled through the PBX simulator over TCP, on both databases."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.engine.calling.outcome_input import OutcomeInput
from telephony.sim import DialRecord
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

NUMBERS = [f"+3361234{n:04d}" for n in range(20)]


def choose(attempt_id: int) -> OutcomeInput:
    if attempt_id % 3 == 0:
        return OutcomeInput(interview="refused")
    if attempt_id % 3 == 1:
        return OutcomeInput(interview="accepted", offer="accepted")
    return OutcomeInput(interview="accepted", offer="refused")


def assert_never_twice_at_once(log: list[DialRecord]) -> None:
    by_number: dict[str, list[DialRecord]] = defaultdict(list)
    for record in log:
        by_number[record.number].append(record)
    for records in by_number.values():
        records.sort(key=lambda r: r.at)
        for earlier, later in zip(records, records[1:], strict=False):
            assert earlier.ended_at is not None
            assert later.at >= earlier.ended_at, f"{later.number} dialled during a live call"


def contacts_by_result(engine: Engine, campaign_id: int) -> dict[str, list[CampaignContact]]:
    found: dict[str, list[CampaignContact]] = defaultdict(list)
    for contact in rows(engine, CampaignContact, CampaignContact.campaign_id == campaign_id):
        found[contact.last_result or "none"].append(contact)
    return found


def check_first_round(engine: Engine, campaign_id: int, t0: datetime) -> dict[str, list[int]]:
    attempts = rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)
    assert len(attempts) == 20  # each person dialled exactly once so far
    assert all(a.result is not None and a.state == "ended" for a in attempts)
    outcomes = {o.attempt_id: o for o in rows(engine, Outcome)}
    for attempt in attempts:
        if attempt.result == "answered":
            assert attempt.connected_at is not None and attempt.agent_user_id is not None
            assert attempt.id in outcomes
        else:
            assert attempt.id not in outcomes
    grouped = contacts_by_result(engine, campaign_id)
    assert {"answered", "busy", "no_answer", "invalid_number"} <= set(grouped)
    for contact in grouped["busy"]:
        assert (contact.status, contact.next_attempt_at) == ("pending", t0 + timedelta(minutes=20))
        assert contact.retry_counts == {"busy": 1}
    for contact in grouped["no_answer"]:
        assert (contact.status, contact.next_attempt_at) == ("pending", t0 + timedelta(hours=2))
    for contact in grouped["invalid_number"]:
        assert (contact.status, contact.done_reason) == ("done", "invalid_number")
    for contact in grouped["answered"]:
        assert contact.status == "done"
        assert contact.done_reason in ("interview_refused", "offer_accepted", "offer_refused")
        assert contact.lease_owner is None
    return {key: [c.id or 0 for c in group] for key, group in grouped.items()}


async def test_progressive_campaign_runs_to_the_end(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    t0 = clock.now
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, NUMBERS)
    agents = add_agents(engine, campaign_id, 2, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    desks = [DeskAgent(engine, service, agent, clock, choose) for agent in agents]
    tasks = [asyncio.create_task(desk.run()) for desk in desks]
    try:
        await run_until_idle(engine, service)
        first = check_first_round(engine, campaign_id, t0)
        assert all(desk.popped for desk in desks)  # both agents took calls

        # 21 minutes later only the busy people are due again.
        clock.advance(minutes=21)
        await run_until_idle(engine, service)
        for contact_id in first["no_answer"]:
            assert len(rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)) == 1
        for contact_id in first["busy"]:
            assert len(rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)) == 2

        for _ in range(12):
            clock.advance(hours=12)
            await run_until_idle(engine, service)
        contacts = rows(engine, CampaignContact, CampaignContact.campaign_id == campaign_id)
        assert all(c.status == "done" for c in contacts), [(c.id, c.status) for c in contacts]
        assert {c.done_reason for c in contacts} >= {"invalid_number", "retries_exhausted"}
        assert service.sim is not None
        log = service.sim.dial_log
        attempts = rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)
        assert len(log) == len(attempts)  # every call on record, none dialled twice
        assert {r.variables["ATTEMPT_ID"] for r in log} == {str(a.id) for a in attempts}
        assert all(a.result is not None for a in attempts)
        assert_never_twice_at_once(log)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()


async def test_call_times_are_stamped_on_the_dialers_clock(
    engine: Engine, cipher: DataCipher
) -> None:
    # A simulated day runs on its own clock; the pacing compares these times with it.
    clock = FakeClock(datetime(2031, 3, 4, 9, 30))
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, NUMBERS[:2])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    desk = DeskAgent(engine, service, agent, clock, choose)
    task = asyncio.create_task(desk.run())
    try:
        await run_until_idle(engine, service)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await service.stop()
    attempts = rows(engine, CallAttempt, CallAttempt.campaign_id == campaign_id)
    assert attempts and all(a.ended_at is not None for a in attempts)
    stamps = [t for a in attempts for t in (a.dialed_at, a.answered_at, a.ended_at) if t]
    assert {t.replace(microsecond=0) for t in stamps} == {clock.now}
