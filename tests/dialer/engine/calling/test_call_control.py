"""The desk's call control answers alike whether the dialer is in its process or not.

The same commands go through ``LocalCallControl`` (the service of this process) and
``RemoteCallControl`` (a web process asking the worker through PostgreSQL); each
refusal must leave the desk as the same HTTP status and the same French message.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.core.crypto import DataCipher
from dialer.engine.calling.commands import command_sender_for
from dialer.engine.calling.control import (
    NO_DIALER_FR,
    NOT_LIVE_FR,
    CallControl,
    CallControlRefused,
    CallRef,
    LocalCallControl,
    NoCallControl,
)
from dialer.engine.calling.control_remote import RemoteCallControl
from dialer.engine.calling.preview import NOT_HELD_FR
from dialer.engine.service import DialerService
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)
from web.dialing import status_of

LISTENING_GUARD_S = 30.0
Answer = tuple[int, str] | None  # (status, French message), None when done


@dataclass
class Previewing:
    service: DialerService
    clock: FakeClock
    agent: int
    other_agent: int
    attempt: CallAttempt  # the record previewed by ``agent``, no call placed

    def ref(self, agent: int) -> CallRef:
        attempt = self.attempt
        return CallRef(attempt.id or 0, agent, attempt.worker_id, attempt.channel_id)


@pytest.fixture()
async def previewing(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> AsyncIterator[Previewing]:
    campaign_id = make_campaign(engine, pacing_mode="preview")
    add_people(engine, campaign_id, ["+33612340001"])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    [other] = add_agents(engine, make_campaign(engine, code="C2"), 1, clock.now)
    service = make_service(engine, cipher, clock)
    await service.start(run_loop=False)
    try:
        assert (await service.tick()).previewed == 1
        [attempt] = rows(engine, CallAttempt)
        yield Previewing(service, clock, agent, other, attempt)
    finally:
        await service.stop()


async def _answer(command: Awaitable[None]) -> Answer:
    try:
        await command
    except CallControlRefused as refused:
        return status_of(refused), refused.message
    return None


async def _refusals(control: CallControl, floor: Previewing) -> list[Answer]:
    """Commands that must all be refused, without changing anything."""
    stranger = floor.ref(floor.other_agent)
    return [
        await _answer(control.hang_up(floor.ref(floor.agent))),  # a preview has no call yet
        await _answer(control.dial_preview(stranger)),  # not this agent's preview
        await _answer(control.pass_preview(stranger)),
    ]


@contextlib.asynccontextmanager
async def _remote(engine: Engine, floor: Previewing) -> AsyncIterator[RemoteCallControl]:
    sender = command_sender_for(engine)
    if sender is None:
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    assert floor.service.commands is not None
    sender.start()
    try:
        await asyncio.wait_for(sender.listening.wait(), LISTENING_GUARD_S)
        await asyncio.wait_for(floor.service.commands.listening.wait(), LISTENING_GUARD_S)
        yield RemoteCallControl(sender, engine, floor.clock)
    finally:
        await sender.close()


async def test_in_process_refusals_are_409_with_the_reason_in_french(
    engine: Engine, previewing: Previewing
) -> None:
    local = LocalCallControl(previewing.service, engine, previewing.clock)
    assert await _refusals(local, previewing) == [
        (409, NOT_LIVE_FR),
        (409, NOT_HELD_FR),
        (409, NOT_HELD_FR),
    ]
    # Nothing was changed by the refusals: the agent still calls its preview.
    assert await _answer(local.dial_preview(previewing.ref(previewing.agent))) is None


async def test_remote_control_answers_as_the_in_process_one(
    engine: Engine, previewing: Previewing
) -> None:
    local = LocalCallControl(previewing.service, engine, previewing.clock)
    async with _remote(engine, previewing) as remote:
        assert await _refusals(remote, previewing) == await _refusals(local, previewing)
        assert await _answer(remote.dial_preview(previewing.ref(previewing.agent))) is None
        assert previewing.service.sim is not None and len(previewing.service.sim.dial_log) == 1
        # Called now: the same preview cannot be called twice, either way.
        twice = await _answer(remote.dial_preview(previewing.ref(previewing.agent)))
        assert twice is not None and twice[0] == 409
        assert twice == await _answer(local.dial_preview(previewing.ref(previewing.agent)))


async def test_without_a_dialer_only_passing_a_preview_works(
    engine: Engine, previewing: Previewing
) -> None:
    none = NoCallControl(engine, previewing.clock)
    mine = previewing.ref(previewing.agent)
    assert await _answer(none.hang_up(mine)) == (503, NO_DIALER_FR)
    assert await _answer(none.dial_preview(mine)) == (503, NO_DIALER_FR)
    assert await _answer(none.pass_preview(mine)) is None
    assert rows(engine, CallAttempt) == []
