"""Call control against a real Asterisk 22 carrying asterisk/*.conf: hold (dual Redirect),
resume (Bridge), ChanSpy originate, blind and attended transfer, and the refusals of transcript 60.

Skipped unless DIALER_TEST_AMI_URL is set. Uses the test dialplan (sim-persons, the
virtual agents of sim-agents), so it needs no SIP phone. To record the transcripts
the simulator replays, run it through ``python -m telephony.recording`` (README).
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from dialer.engine.callcontrol.steering import AmiSteering, Line
from telephony.ami import AmiActionError, AmiClient
from telephony.ami.control import (
    SpyMode,
    attended_transfer_headers,
    blind_transfer_headers,
    bridge_peer,
    cancel_transfer_headers,
    channel_name,
    complete_transfer_headers,
    hold_headers,
    resume_headers,
    spy_headers,
)
from telephony.results import CallState
from tests.telephony.phones.real_pbx import Collector, ami, needs_asterisk, place

pytestmark = [needs_asterisk, pytest.mark.slow]

SIM = "Local/{national}@sim-persons"
VIRTUAL_AGENT = "Local/801@sim-agents"
SUPERVISOR_PHONE = "Local/805@sim-agents"


async def hang_up(client: AmiClient, channel: str) -> None:
    # After a transfer the person's channel may already be gone.
    with contextlib.suppress(AmiActionError):
        await client.hangup(channel)


async def bridged(client: AmiClient, seen: Collector) -> tuple[str, str]:
    """A call to the person who talks 20 s, bridged to agent 801: (person's id, agent's name)."""
    req = await place(client, "+33611000001", SIM, agent=VIRTUAL_AGENT)
    for _ in range(100):
        if any(u.state is CallState.CONNECTED for u in seen.of(req.attempt_id)):
            break
        await asyncio.sleep(0.1)
    agent = bridge_peer(await client.core_show_channels(), req.channel_id)
    assert agent is not None and agent.startswith("Local/801@sim-agents-")
    return req.channel_id, agent


async def test_hold_then_resume() -> None:
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        name = channel_name(await client.core_show_channels(), person)
        assert name is not None and name.endswith(";1")
        held = await client.control(hold_headers(person, agent))
        assert held.get("Message") == "Dual Redirect successful"
        # A moment on hold, as an agent's click would take (right after the bridge, a
        # Bridge may find the channel not settled: the steering test covers that).
        await asyncio.sleep(0.5)
        # By name: Bridge finds channels by prefix (dialer-N also matches dialer-N-2).
        resumed = await client.control(resume_headers(name, agent))
        assert resumed.get("Message") == "Channels have been bridged"
        await hang_up(client, person)


async def test_supervisor_phone_rung_into_chanspy() -> None:
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        queued = await client.control(spy_headers(SUPERVISOR_PHONE, agent, SpyMode.LISTEN, "rt"))
        assert queued.get("Message") == "Originate successfully queued"
        # Time for the phone to answer and ChanSpy to start (its OriginateResponse).
        await asyncio.sleep(1.0)
        await hang_up(client, person)


async def test_blind_transfer_of_the_person() -> None:
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        done = await client.control(blind_transfer_headers(agent, "905"))
        assert done.get("Message") == "Transfer succeeded"
        await hang_up(client, person)


# Asterisk waits transferdigittimeout (features.conf, 3 s) for more digits, since
# dialer-transfer's _X. could match a longer number; then 806 answers at once.
CONSULTED_S = 4.5


async def test_attended_transfer_then_cancelled() -> None:
    """features.conf maps atxfer => *2 and the agent's Dial has t: Asterisk holds the
    person, rings the destination (test endpoint 806, which answers), and CancelAtxfer
    gives the person back to the agent."""
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        queued = await client.control(attended_transfer_headers(agent, "806"))
        assert queued.get("Message") == "Atxfer successfully queued"
        await asyncio.sleep(CONSULTED_S)
        cancelled = await client.control(cancel_transfer_headers(agent))
        assert cancelled.get("Message") == "CancelAtxfer successfully queued"
        await asyncio.sleep(1.0)
        assert bridge_peer(await client.core_show_channels(), person) == agent
        await hang_up(client, person)


async def test_attended_transfer_completed_when_the_agent_leaves() -> None:
    """The agent leaves while talking to the destination: the person is handed over and
    stays on the line (without the transfer, the agent leaving ends the person's call)."""
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        queued = await client.control(attended_transfer_headers(agent, "806"))
        assert queued.get("Message") == "Atxfer successfully queued"
        await asyncio.sleep(CONSULTED_S)
        left = await client.control(complete_transfer_headers(agent))
        assert left.get("Message") == "Channel Hungup"
        await asyncio.sleep(1.0)
        # Still there, talking to 806: hanging the person up now succeeds.
        await client.hangup(person)


async def test_agent_leaving_without_a_transfer_ends_the_call() -> None:
    """The other side of the previous test: no transfer, the person's call ends too."""
    async with ami() as (client, seen):
        person, agent = await bridged(client, seen)
        await client.control(complete_transfer_headers(agent))
        await asyncio.sleep(1.0)
        with pytest.raises(AmiActionError, match="No such channel"):
            await client.hangup(person)


async def test_unknown_channel_refused_in_asterisk_words() -> None:
    async with ami() as (client, _):
        with pytest.raises(AmiActionError, match="Channel specified does not exist"):
            await client.control(blind_transfer_headers("PJSIP/901-00000001", "905"))
        with pytest.raises(AmiActionError, match="Channel1 does not exist"):
            await client.control(
                resume_headers("Local/0611000099@sim-persons-0000ffff;1", "PJSIP/901-00000001")
            )


async def test_the_call_survives_hold_and_resume_twice_then_transfers() -> None:
    """Through the dialer's own steering. The reply is not enough: after each resume the
    person and the agent must still be bridged a moment later, the call live for the
    dialer, and a transfer possible. (Resuming by the dialer's ChannelId bridged the
    person's Local ;2 to the agent about one time in two: Bridge matches by prefix.)"""
    async with ami() as (client, seen):
        person, _ = await bridged(client, seen)
        steering = AmiSteering(lambda: client)
        line = Line(0, "worker-test", person)
        for held_s in (0.0, 1.0, 1.0):
            await steering.hold(line)
            await asyncio.sleep(held_s)
            await steering.resume(line)
            await asyncio.sleep(1.0)
            channels = await client.core_show_channels()
            agent = bridge_peer(channels, person) or ""
            assert agent.startswith("Local/801@sim-agents-"), channels
            [*_, last] = seen.of(person.removeprefix("dialer-"))
            assert last.state is CallState.CONNECTED, last
        await steering.transfer(line, "905", attended=False)
        await hang_up(client, person)
