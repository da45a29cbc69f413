"""The dialer reads the events Asterisk sends around call control right.

The PBX simulator now says what Asterisk 22 said around a hold, a resume and a blind
transfer (tests/fixtures/ami-transcripts/call-control/61, 62): bridges left and
destroyed, music on hold, the agent's channel hung up by the transfer. None of it may
pass for the end of the call; the call's record ends when the person's channel does,
with the cause Asterisk gave.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.engine import Engine

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection.models import LiveCallLock
from dialer.campaigns.supervision import DestinationKind
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.agents.states import AgentState
from dialer.engine.callcontrol import journal
from dialer.engine.callcontrol.journal import Actor
from dialer.engine.callcontrol.models import ControlAction
from dialer.engine.callcontrol.rules import Destination
from dialer.engine.callcontrol.steering import Line
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.service import DialerService
from telephony.results import CallResult, CallState
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

TALKS_20_S = "+33611000001"  # 6 real seconds of talk at a time factor of 0.3
WAIT_S = 30.0


async def _first(engine: Engine, wanted: Callable[[CallAttempt], bool], what: str) -> CallAttempt:
    """The only attempt, once ``wanted`` holds of it."""
    for _ in range(int(WAIT_S / 0.01)):
        found = [a for a in rows(engine, CallAttempt) if wanted(a)]
        if found:
            return found[0]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no attempt {what}")


async def _attempt(engine: Engine, done: str) -> CallAttempt:
    """The only attempt, once its ``done`` column is set."""
    return await _first(engine, lambda a: getattr(a, done) is not None, f"with {done} set")


async def _bridged(engine: Engine) -> CallAttempt:
    """The only attempt, once the recorder has stored its bridge: the early pop stores
    the bridge's moment (``connected_at``) sooner, ahead of the call's queued updates."""
    return await _first(engine, lambda a: a.state == CallState.CONNECTED, "stored as connected")


async def _bridged_call(engine: Engine, cipher: DataCipher, clock: FakeClock) -> DialerService:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [TALKS_20_S])
    add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.3)
    await service.start(run_loop=False)
    assert (await service.tick()).placed == 1
    return service


async def _events_read(service: DialerService) -> None:
    """Everything the PBX said before this reply has gone through the call tracker."""
    assert service.client is not None
    assert await service.client.ping()


async def test_hold_resume_then_hangup_ends_the_call_once(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    service = await _bridged_call(engine, cipher, clock)
    try:
        attempt = await _bridged(engine)
        channel = f"dialer-{attempt.id}"
        line = Line(attempt.id or 0, attempt.worker_id, channel)
        await service.steering.hold(line)
        await _events_read(service)
        # Both legs left the bridge and it was destroyed: the call goes on.
        assert service.channel_of(attempt.id or 0) == channel
        await service.steering.resume(line)
        await _events_read(service)
        assert service.channel_of(attempt.id or 0) == channel
        (held,) = rows(engine, CallAttempt)
        assert (held.state, held.result, held.ended_at) == (CallState.CONNECTED, None, None)
        await service.hang_up_call(attempt.id or 0)
        ended = await _attempt(engine, "ended_at")
        assert (ended.state, ended.result, ended.hangup_cause) == (
            CallState.ENDED, CallResult.ANSWERED, 16,
        )  # fmt: skip
        assert ended.connected_at == attempt.connected_at
        assert service.channel_of(attempt.id or 0) is None
    finally:
        await service.stop()


async def test_blind_transfer_to_an_absent_phone_ends_with_the_dialplans_cause(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    service = await _bridged_call(engine, cipher, clock)
    try:
        attempt = await _bridged(engine)
        line = Line(attempt.id or 0, attempt.worker_id, f"dialer-{attempt.id}")
        await service.steering.transfer(line, "905", attended=False)
        # The agent's channel hangs up at once; the person's follows when Dial fails.
        ended = await _attempt(engine, "ended_at")
        assert (ended.state, ended.result, ended.hangup_cause) == (
            CallState.ENDED, CallResult.ANSWERED, 3,
        )  # fmt: skip
        assert service.sim is not None
        (record,) = service.sim.dial_log
        assert (record.result, record.cause) == (CallResult.ANSWERED, 3)
    finally:
        await service.stop()


async def test_blind_transfer_out_keeps_the_call_until_the_person_hangs_up(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    service = await _bridged_call(engine, cipher, clock)
    try:
        attempt = await _bridged(engine)
        channel = f"dialer-{attempt.id}"
        line = Line(attempt.id or 0, attempt.worker_id, channel)
        await service.steering.transfer(line, "0033198765432", attended=False)
        await _events_read(service)
        # The agent's legs are gone (their Hangup), the person talks to the destination.
        assert service.channel_of(attempt.id or 0) == channel
        assert service.sim is not None
        live = [ch.uniqueid for ch in service.sim.core.live_channels()]
        assert live == [channel, f"{channel}-2"]
        ended = await _attempt(engine, "ended_at")
        assert (ended.state, ended.result, ended.hangup_cause) == (
            CallState.ENDED, CallResult.ANSWERED, 16,
        )  # fmt: skip
    finally:
        await service.stop()


async def test_an_outcome_after_a_blind_transfer_frees_the_agent_not_the_person(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    """Handed to the fund, the person talks with it for minutes: the agent's outcome
    starts their wrap-up at once, while the person stays locked against every other
    campaign until their call ends."""
    service = await _bridged_call(engine, cipher, clock)
    try:
        attempt = await _bridged(engine)
        attempt_id = attempt.id or 0
        line = Line(attempt_id, attempt.worker_id, f"dialer-{attempt_id}")
        await service.steering.transfer(line, "0033198765432", attended=False)
        fund = Destination(1, "CPAM : second niveau", "0033198765432", DestinationKind.FUND)
        actor = Actor(attempt.agent_user_id or 0, "agent", "agent")
        with session_scope(engine) as db:
            journal.record_done(db, attempt, actor, ControlAction.BLIND_TRANSFER, fund)
        with session_scope(engine) as db:
            form = OutcomeInput(interview="accepted", offer="accepted")
            handed = journal.handed_over(db, attempt_id)
            record_outcome(db, attempt_id, attempt.agent_user_id or 0, form, now=clock(),
                           handed_over=handed)  # fmt: skip
        (agent,) = rows(engine, AgentPresence)
        assert (agent.state, agent.attempt_id) == (AgentState.WRAP_UP, None)
        (live,) = rows(engine, CallAttempt)
        assert live.ended_at is None
        assert {lock.attempt_id for lock in rows(engine, LiveCallLock)} == {attempt_id}
        await service.hang_up_call(attempt_id)  # the person and the fund say goodbye
        ended = await _attempt(engine, "ended_at")
        assert ended.result == CallResult.ANSWERED
        (agent,) = rows(engine, AgentPresence)
        assert agent.state == AgentState.WRAP_UP  # the call's end does not touch them
        assert rows(engine, LiveCallLock) == []
    finally:
        await service.stop()


async def _consultation_up(service: DialerService, channel: str) -> None:
    """The destination answered the transfer channel (a 3-second digit timeout first)."""
    assert service.sim is not None
    call = service.sim.core.calls[channel]
    for _ in range(int(WAIT_S / 0.01)):
        consultation = getattr(call, "consultation", None)
        if consultation is not None and consultation.started:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the destination never answered the consultation")


async def test_attended_transfer_completed_keeps_the_call_until_it_ends(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    service = await _bridged_call(engine, cipher, clock)
    try:
        attempt = await _bridged(engine)
        channel = f"dialer-{attempt.id}"
        line = Line(attempt.id or 0, attempt.worker_id, channel)
        await service.steering.transfer(line, "806", attended=True)
        await _consultation_up(service, channel)
        # The agent leaves: the bridges merge, the agent's legs hang up, the person stays.
        await service.steering.complete_transfer(line)
        await _events_read(service)
        assert service.channel_of(attempt.id or 0) == channel
        (live,) = rows(engine, CallAttempt)
        assert (live.state, live.ended_at) == (CallState.CONNECTED, None)
        await service.hang_up_call(attempt.id or 0)
        ended = await _attempt(engine, "ended_at")
        assert (ended.state, ended.result, ended.hangup_cause) == (
            CallState.ENDED, CallResult.ANSWERED, 16,
        )  # fmt: skip
    finally:
        await service.stop()
