"""Call control from a web process without a dialer: the worker holding the call acts.

The web side is a ``RemoteSteering`` over its own ``CommandSender``; the worker is the
real service dialling through the PBX simulator (PostgreSQL LISTEN/NOTIFY).
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import Engine

from dialer.core.crypto import DataCipher
from dialer.engine.callcontrol.remote import RemoteSteering
from dialer.engine.callcontrol.steering import Line
from dialer.engine.calling.commands import STEER, Command, decode_command, encode_command
from dialer.engine.calling.control import CallControlRefused, Refusal
from telephony.ami.control import SpyMode
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    make_service,
)
from tests.dialer.scale.test_desk_commands import TALKS_20_S, WAIT, _connected, _sender


def test_steer_commands_carry_small_checked_parameters() -> None:
    command = Command("r1", "w1", STEER, 42, 0, (("mode", "listen"), ("op", "spy")))
    assert decode_command(encode_command(command)) == command
    for bad in ('{"r":"x","w":"w","c":"steer","a":1,"u":0,"p":[1]}',
                '{"r":"x","w":"w","c":"steer","a":1,"u":0,"p":{"op":"' + "x" * 200 + '"}}',
                '{"r":"x","w":"w","c":"steer","a":1,"u":0,"p":{"a":"1","b":"2","c":"3","d":"4","e":"5"}}'):  # fmt: skip  # noqa: E501
        assert decode_command(bad) is None


async def test_hold_resume_listen_and_transfer_through_the_worker(
    engine: Engine, cipher: DataCipher, clock: FakeClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [TALKS_20_S])
    add_agents(engine, campaign_id, 1, clock.now)
    service = make_service(engine, cipher, clock, time_factor=0.1)
    assert service.commands is not None and service.sim is not None
    await service.start(run_loop=False)
    try:
        async with _sender(engine) as sender:
            await asyncio.wait_for(service.commands.listening.wait(), WAIT)
            assert (await service.tick()).placed == 1
            attempt = await _connected(engine)
            desk = RemoteSteering(sender)
            # The web names a channel; the worker uses the one it tracks.
            line = Line(attempt.id or 0, attempt.worker_id, "dialer-not-this-one")
            await desk.hold(line)
            await desk.resume(line)
            await desk.spy(line, "Local/905@sim-agents", SpyMode.BARGE)
            done = [a.get("action") for a in service.sim.actions]
            assert "Redirect" in done and "Bridge" in done
            redirect = next(a for a in service.sim.actions if a.get("action") == "Redirect")
            assert redirect["channel"] == f"dialer-{attempt.id}"
            assert [s.data.rsplit(",", 1)[1] for s in service.sim.core.spies] == ["qEB"]
            # A value the worker refuses never reaches the PBX either.
            with pytest.raises(CallControlRefused) as refused:
                await desk.transfer(line, "+33 1 badly\r\nAction: Originate", attended=False)
            assert refused.value.refusal is Refusal.FAILED
            assert "BlindTransfer" not in [a.get("action") for a in service.sim.actions]
            # Attended: the worker remembers the agent's channel between the two commands.
            await desk.transfer(line, "806", attended=True)
            await desk.complete_transfer(line)
            (atxfer,) = [a for a in service.sim.actions if a.get("action") == "Atxfer"]
            left = [a for a in service.sim.actions if a.get("action") == "Hangup"]
            assert [a["channel"] for a in left] == [atxfer["channel"]]
            assert service.sim.core.find(f"dialer-{attempt.id}") is not None
            with pytest.raises(CallControlRefused) as nothing:
                await desk.complete_transfer(line)
            assert "Aucun transfert accompagné" in nothing.value.message
    finally:
        await service.stop()
