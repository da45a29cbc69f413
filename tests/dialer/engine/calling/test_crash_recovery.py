"""A worker killed with calls live on its PBX, then restarted, or never restarted.

The PBX is a simulator of its own (as a real Asterisk outlives its worker); the
kill is a service dropped without its drain: the AMI socket closes, nothing of the
database is touched, and the simulator keeps the calls up.

- Restarted with the same worker id, the worker asks its PBX what is still up and
  keeps those calls and their agents busy until the PBX reports them gone.
- Never restarted, its calls, agents and contacts are taken over by another worker
  once its heartbeat is older than ``worker_dead_seconds``; the agents' desks are
  told, so they recover without reloading.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.contacts.people.models import CampaignContact
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.calling import presence
from dialer.engine.calling.events import CALL_ENDED, Payload
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.service import DialerService
from telephony.sim import PbxSimulator, PopulationModel, SimulatorConfig
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

TALKS_FOR_AN_HOUR = "+33612340001"
NEVER_ANSWERS = "+33611000003"  # the recorded test person who rings and never answers
WAITING = "+33612340002"
# Everyone not scripted answers at once and talks for an hour: only the test ends a call.
TALKERS = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=0.2, ring_max_s=0.5, talk_mean_s=3600.0, talk_min_s=3600.0, talk_max_s=3600.0,
)  # fmt: skip
BOUND_S = 30.0  # far above a normal run: waiting is not what these tests assert
DEAD_AFTER_S = 1.0


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(SimulatorConfig(time_factor=1.0, population=TALKERS))
    await sim.start("127.0.0.1", 0)
    yield sim
    await sim.stop()


def _service(
    engine: Engine, cipher: DataCipher, clock: FakeClock, sim: PbxSimulator, worker_id: str
) -> DialerService:
    settings = Settings(
        database_url=str(engine.url),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{sim.port}",
        embedded_pbx=False,
        worker_id=worker_id,
        ami_action_timeout_s=5.0,
        trunk_max_cps=1000.0,
        worker_dead_seconds=DEAD_AFTER_S,
    )
    return DialerService(Runtime(settings, engine, cipher), clock=clock)


async def _crash(service: DialerService) -> None:
    """What ``kill -9`` leaves: no drain, no closing of anything in the database."""
    assert service.client is not None
    await service.client.connection.close()
    delivery = service.client._delivery
    if delivery is not None:
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
    if service.commands is not None:
        await service.commands.close()
    if service.bridge is not None:
        await service.bridge.close()


async def _tick_until(service: DialerService, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + BOUND_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition {condition.__name__} never held")
        await service.tick()
        await asyncio.sleep(0.05)


def _attempts(engine: Engine) -> dict[str, CallAttempt]:
    """The attempts by number called."""
    return {a.number_e164: a for a in rows(engine, CallAttempt)}


def _state(engine: Engine, user_id: int) -> str:
    [row] = rows(engine, AgentPresence, AgentPresence.user_id == user_id)
    return str(row.state)


async def _two_live_calls(engine: Engine, service: DialerService) -> dict[str, CallAttempt]:
    """One person talking to an agent, one still ringing with an agent held for them."""

    def talking_and_ringing() -> bool:
        calls = _attempts(engine)
        talking = calls.get(TALKS_FOR_AN_HOUR)
        ringing = calls.get(NEVER_ANSWERS)
        return (
            talking is not None
            and talking.state == "connected"  # the stored bridge, not only the pop's moment
            and ringing is not None
            and ringing.state == "ringing"
        )

    await _tick_until(service, talking_and_ringing)
    return _attempts(engine)


def _campaign(engine: Engine, clock: FakeClock) -> list[int]:
    """Three people to call and two agents; the agents' ids."""
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [TALKS_FOR_AN_HOUR, NEVER_ANSWERS, WAITING])
    return add_agents(engine, campaign_id, 2, clock.now)


async def test_a_restarted_worker_keeps_the_calls_its_pbx_still_has(
    engine: Engine, cipher: DataCipher, clock: FakeClock, pbx: PbxSimulator
) -> None:
    agents = _campaign(engine, clock)
    first = _service(engine, cipher, clock, pbx, "worker-a")
    await first.start(run_loop=False)
    before = await _two_live_calls(engine, first)
    talking, ringing = before[TALKS_FOR_AN_HOUR], before[NEVER_ANSWERS]
    await _crash(first)
    assert len(pbx.active_channels()) == 2, "the PBX keeps both calls up"

    second = _service(engine, cipher, clock, pbx, "worker-a")
    await second.start(run_loop=False)
    try:
        for _ in range(5):
            assert (await second.tick()).placed == 0, "no agent is free: both are on the calls"
            await asyncio.sleep(0.05)
        after = _attempts(engine)
        assert after[TALKS_FOR_AN_HOUR].result is None and after[NEVER_ANSWERS].result is None
        assert sorted(_state(engine, a) for a in agents) == ["on_call", "reserved"]
        assert WAITING not in after, "the person waiting was not called"
        assert second.channel_of(talking.id or 0) == f"dialer-{talking.id}"

        # The PBX ends the ringing call: only then is its agent free for the next person.
        pbx.core.calls[f"dialer-{ringing.id}"].request_hangup()
        await _tick_until(second, lambda: WAITING in _attempts(engine))
        ended = _attempts(engine)[NEVER_ANSWERS]
        assert ended.result is not None and ended.result != "ended_while_disconnected"
        assert _attempts(engine)[WAITING].agent_user_id == ringing.agent_user_id

        # The desk's hang-up reaches the adopted call; its agent then owes the outcome.
        await second.hang_up_call(talking.id or 0)
        await _tick_until(second, lambda: _attempts(engine)[TALKS_FOR_AN_HOUR].result is not None)
        assert _attempts(engine)[TALKS_FOR_AN_HOUR].result == "answered"
        assert _state(engine, talking.agent_user_id or 0) == "on_call"
    finally:
        await second.stop()


async def test_a_worker_never_restarted_is_taken_over_by_another(
    engine: Engine, cipher: DataCipher, clock: FakeClock, pbx: PbxSimulator
) -> None:
    agents = _campaign(engine, clock)
    first = _service(engine, cipher, clock, pbx, "worker-a")
    await first.start(run_loop=False)
    before = await _two_live_calls(engine, first)
    talking, ringing = before[TALKS_FOR_AN_HOUR], before[NEVER_ANSWERS]
    await _crash(first)
    await pbx.stop()  # the box is removed too

    other_pbx = PbxSimulator(SimulatorConfig(time_factor=1.0, population=TALKERS))
    await other_pbx.start("127.0.0.1", 0)
    other = _service(engine, cipher, clock, other_pbx, "worker-b")
    await other.start(run_loop=False)
    desks = {agent: other.bus.open(agent) for agent in agents}
    try:
        await _tick_until(other, lambda: all(a.result for a in _attempts(engine).values()
                                             if a.worker_id == "worker-a"))  # fmt: skip
        after = _attempts(engine)
        assert after[TALKS_FOR_AN_HOUR].result == "ended_while_disconnected"
        assert after[NEVER_ANSWERS].result == "ended_while_disconnected"
        # The desks are told: the talking agent records the outcome, the other is free.
        for attempt in (talking, ringing):
            event = await asyncio.wait_for(desks[attempt.agent_user_id or 0].next(), BOUND_S)
            assert _is_end_of(event, attempt.id or 0)
        [unanswered] = rows(engine, CampaignContact, CampaignContact.id == ringing.contact_id)
        assert (unanswered.status, unanswered.lease_owner) == ("pending", None)
        assert unanswered.retry_counts == {"ended_while_disconnected": 1}
        assert _state(engine, talking.agent_user_id or 0) == "on_call"
        with session_scope(engine) as session:
            record_outcome(session, talking.id or 0, talking.agent_user_id or 0,
                           OutcomeInput(interview="refused"), now=clock.now)  # fmt: skip
        assert _state(engine, talking.agent_user_id or 0) == "wrap_up"
        # The agent held for the ringing call is free again: worker-b calls with them.
        await _tick_until(other, lambda: WAITING in _attempts(engine))
        assert _attempts(engine)[WAITING].agent_user_id == ringing.agent_user_id
        assert _attempts(engine)[WAITING].worker_id == "worker-b"
    finally:
        for desk in desks.values():
            desk.close()
        await other.stop()
        await other_pbx.stop()


def _is_end_of(event: Payload, attempt_id: int) -> bool:
    return event["kind"] == CALL_ENDED and event["attempt_id"] == attempt_id


async def test_an_agent_held_for_no_call_in_an_earlier_life_is_released_at_restart(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    # Killed between holding agents for a tick and claiming their people: in the
    # campaign day, ten agents stayed "reserved" for the rest of the day.
    campaign_id = make_campaign(engine)
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    with session_scope(engine) as session:
        assert presence.reserve_agent(session, campaign_id, clock.now, "worker-test") == agent
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    try:
        with Session(engine) as session:
            row = session.get(AgentPresence, agent)
            assert row is not None and row.state == "available"
    finally:
        await service.stop()


@pytest.mark.parametrize("outcome_first", [False, True], ids=["taken-over-first", "outcome-first"])
async def test_an_agent_popped_before_the_bridge_was_stored_wraps_up_after_a_kill(
    engine: Engine, cipher: DataCipher, clock: FakeClock, pbx: PbxSimulator,
    monkeypatch: pytest.MonkeyPatch, outcome_first: bool,
) -> None:  # fmt: skip
    # The early pop stores the bridge's moment, then the worker dies before its recorder
    # moves the agent on the call: the agent talked, yet is still "reserved". In the
    # PostgreSQL campaign day with every fault, two such agents stayed "reserved" with
    # no call once their outcome was written: no call was ever given to them again.
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [TALKS_FOR_AN_HOUR])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    with session_scope(engine) as session:
        session.exec(update(Campaign).values(wrap_up_seconds=30))  # type: ignore[call-overload]
    first = _service(engine, cipher, clock, pbx, "worker-a")
    await first.start(run_loop=False)
    # Killed before storing anything the PBX said: only the early pop's write is left.
    monkeypatch.setattr(first.recorder, "apply_all", lambda updates: [None] * len(updates))
    await _tick_until(first, lambda: any(a.connected_at for a in rows(engine, CallAttempt)))
    [talked] = rows(engine, CallAttempt)
    assert _state(engine, agent) == "reserved"
    await _crash(first)
    await pbx.stop()

    def outcome() -> None:
        with session_scope(engine) as session:
            record_outcome(session, talked.id or 0, agent,
                           OutcomeInput(interview="accepted"), now=clock.now)  # fmt: skip

    if outcome_first:
        outcome()
    other_pbx = PbxSimulator(SimulatorConfig(time_factor=1.0, population=TALKERS))
    await other_pbx.start("127.0.0.1", 0)
    other = _service(engine, cipher, clock, other_pbx, "worker-b")
    await other.start(run_loop=False)
    try:
        await _tick_until(other, lambda: all(a.result for a in rows(engine, CallAttempt)))
        assert _attempts(engine)[TALKS_FOR_AN_HOUR].result == "ended_while_disconnected"
        if not outcome_first:
            outcome()
        [row] = rows(engine, AgentPresence, AgentPresence.user_id == agent)
        assert (row.state, row.attempt_id) == ("wrap_up", None)
        clock.advance(seconds=30)
        await other.tick()
        assert _state(engine, agent) == "available"
    finally:
        await other.stop()
        await other_pbx.stop()
