"""Desk commands crossing processes: a web process without a dialer asks the worker.

The web side is a ``CommandSender`` with its own connections, as a web process would
have; the worker is the real service dialling through the PBX simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.core.crypto import DataCipher
from dialer.engine.calling.commands import (
    HANGUP,
    Command,
    CommandSender,
    CommandTimeout,
    command_sender_for,
    decode_command,
    decode_reply,
    encode_command,
    encode_reply,
)
from dialer.engine.calling.control import NOT_LIVE_FR, NOT_SENT_FR, CallControlRefused, Refusal
from dialer.engine.service import DialerService
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
    rows,
)

TALKS_20_S = "+33611000001"  # 2 real seconds of talk at a time factor of 0.1
WAIT = 30.0


def test_commands_carry_ids_only_and_malformed_ones_are_refused() -> None:
    command = Command("r1", "worker-1", HANGUP, 42, 7)
    assert decode_command(encode_command(command)) == command
    assert decode_reply(encode_reply("r1", None)) == ("r1", None)
    for bad in ("", "{}", "[1]", '{"r":"x","w":"w","c":"format_disk","a":1,"u":2}',
                '{"r":"x","w":"w","c":"hangup","a":"one","u":2}'):  # fmt: skip
        assert decode_command(bad) is None
    assert decode_reply('{"r":"x"}') is None


def test_a_refusal_crosses_processes_with_its_kind_so_the_desk_answers_alike() -> None:
    # The web process maps the kind to its status: a text alone made a PBX that did not
    # take the call a 409 remotely and a 502 in process.
    refused = CallControlRefused(Refusal.NOT_SENT, NOT_SENT_FR)
    reply = decode_reply(encode_reply("r1", refused))
    assert reply is not None and reply[0] == "r1" and reply[1] is not None
    assert (reply[1].refusal, reply[1].message) == (Refusal.NOT_SENT, NOT_SENT_FR)
    # A kind this process does not know is still a refusal, with the worker's words.
    odd = decode_reply('{"r":"r2","e":"Refus.","k":"from_the_future"}')
    assert odd is not None and odd[1] is not None
    assert (odd[1].refusal, odd[1].message) == (Refusal.FAILED, "Refus.")


@contextlib.asynccontextmanager
async def _sender(engine: Engine) -> AsyncIterator[CommandSender]:
    sender = command_sender_for(engine)
    if sender is None:
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    sender.start()
    try:
        await asyncio.wait_for(sender.listening.wait(), WAIT)
        yield sender
    finally:
        await sender.close()


async def _connected(engine: Engine) -> CallAttempt:
    for _ in range(int(WAIT / 0.01)):
        found = [a for a in rows(engine, CallAttempt) if a.connected_at is not None]
        if found:
            return found[0]
        await asyncio.sleep(0.01)
    raise AssertionError("no call was bridged to the agent")


@contextlib.asynccontextmanager
async def _worker_and_desk(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> AsyncIterator[tuple[DialerService, CommandSender, int]]:
    """A worker with one agent and one person to call, and a desk's sender, both listening."""
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [TALKS_20_S])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.1)
    assert service.commands is not None
    await service.start(run_loop=False)
    try:
        async with _sender(engine) as desk:
            await asyncio.wait_for(service.commands.listening.wait(), WAIT)
            yield service, desk, agent
    finally:
        await service.stop()


async def test_a_desk_without_a_dialer_hangs_up_through_the_worker(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    async with _worker_and_desk(engine, cipher, clock) as (service, desk, agent):
        assert (await service.tick()).placed == 1
        attempt = await _connected(engine)
        refusal = await desk.send(attempt.worker_id, HANGUP, attempt.id or 0, agent)
        assert refusal is None
        assert service.sim is not None
        for _ in range(100):  # far less than the 2 s the person would have talked
            if service.sim.dial_log[0].result is not None:
                break
            await asyncio.sleep(0.01)
        assert service.sim.dial_log[0].ended_at is not None
        # Once gone, the worker says so in French; another worker id gets no answer.
        again = await desk.send(attempt.worker_id, HANGUP, attempt.id or 0, agent)
        assert again is not None
        assert (again.refusal, again.message) == (Refusal.NOT_LIVE, NOT_LIVE_FR)
        with pytest.raises(CommandTimeout):
            await desk.send("worker-elsewhere", HANGUP, attempt.id or 0, agent, 0.3)


class ConnectionsOpened:
    """Counts the PostgreSQL connections opened: each one is a new server process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        connect = psycopg.AsyncConnection.connect

        async def counted(*args: Any, **kwargs: Any) -> psycopg.AsyncConnection[Any]:
            self.count += 1
            return await connect(*args, **kwargs)

        monkeypatch.setattr(psycopg.AsyncConnection, "connect", counted)


async def test_commands_and_replies_reuse_their_connection(
    engine: Engine, cipher: DataCipher, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection a command (and one a reply) cost PostgreSQL a new server process per
    # hang-up: on a 200-agent floor, ten forks a second on the box that serves the pops.
    opened = ConnectionsOpened(monkeypatch)
    async with _worker_and_desk(engine, cipher, clock) as (service, desk, agent):
        before = opened.count
        for _ in range(5):
            # Nothing live: each command is answered (a refusal) by the worker.
            refusal = await desk.send(service.worker_id, HANGUP, 999_999, agent)
            assert refusal is not None and refusal.refusal is Refusal.NOT_LIVE
        # One connection sends the commands, one the worker's replies: both stay open.
        assert opened.count - before == 2


async def test_an_unreachable_database_is_a_timeout_not_a_crash() -> None:
    sender = CommandSender("postgresql://nobody@127.0.0.1:1/none")
    sender.start()
    try:
        with pytest.raises(CommandTimeout):
            await sender.send("worker-1", HANGUP, 1, 1, timeout_s=0.3)
    finally:
        await sender.close()
