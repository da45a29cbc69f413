"""The simulator answers call control (hold, resume, transfers, ChanSpy) as Asterisk 22 does,
and refuses what Asterisk refuses, in Asterisk's words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from telephony.ami.control import (
    SpyMode,
    UnsafeAmiValue,
    attended_transfer_headers,
    blind_transfer_headers,
    bridge_peer,
    cancel_transfer_headers,
    complete_transfer_headers,
    hold_headers,
    resume_headers,
    spy_headers,
)
from telephony.sim import PbxSimulator, SimulatorConfig

from .conftest import originate
from .rawclient import RawClient


@pytest.fixture
async def slow_sim() -> AsyncIterator[PbxSimulator]:
    # 0611000001 talks 20 simulated seconds: 4 s here, time enough to act on the call.
    simulator = PbxSimulator(SimulatorConfig(time_factor=0.2, seed=7))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def ami(slow_sim: PbxSimulator) -> AsyncIterator[RawClient]:
    raw = await RawClient.connect(slow_sim.port)
    await raw.login()
    yield raw
    await raw.close()


def send(client: RawClient, action_id: str, headers: dict[str, object]) -> None:
    lines = [f"ActionID: {action_id}"]
    for name, value in headers.items():
        lines.append(f"{name}: {value}")
    client.send(*lines)


async def bridged_call(client: RawClient, attempt: str) -> str:
    """Place a call bridged to virtual agent 801; the agent's channel name."""
    originate(client, attempt, "Local/0611000001@sim-persons", agent="Local/801@sim-agents")
    await client.event("BridgeEnter", Uniqueid=f"dialer-{attempt}")
    client.send("Action: CoreShowChannels", f"ActionID: ls-{attempt}")
    done = await client.event("CoreShowChannelsComplete", ActionID=f"ls-{attempt}")
    assert done.get("EventList") == "Complete"
    items = [dict(m.headers) for m in client.messages if m.get("Event") == "CoreShowChannel"]
    agent = bridge_peer(items, f"dialer-{attempt}")
    assert agent is not None and agent.startswith("Local/801@sim-agents-")
    return agent


async def test_hold_then_resume(slow_sim: PbxSimulator, ami: RawClient) -> None:
    agent = await bridged_call(ami, "h1")
    send(ami, "hold", hold_headers("dialer-h1", agent))
    assert (await ami.response("hold")).get("Message") == "Dual Redirect successful"
    moh = await ami.event("Newexten", Uniqueid="dialer-h1", Application="MusicOnHold")
    assert moh.get("Context") == "dialer-hold"
    person = slow_sim.core.find("dialer-h1")
    assert person is not None
    send(ami, "resume", resume_headers(person.name, agent))
    assert (await ami.response("resume")).get("Message") == "Channels have been bridged"
    assert [r.action for r in slow_sim.core.control_log] == ["Redirect", "Bridge"]
    assert slow_sim.core.control_log[-1].channel == person.name


async def test_bridge_finds_its_channels_by_prefix_as_asterisk_does(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    """action_bridge looks channels up by name or Uniqueid *prefix*: the ChannelId
    dialer-p1 also matches dialer-p1-2 (the Local ;2, the person's far end) and
    dialer-p10 (another call). On Asterisk 22 the ;2 was bridged to the agent."""
    agent = await bridged_call(ami, "p1")
    await bridged_call(ami, "p10")
    send(ami, "hold", hold_headers("dialer-p1", agent))
    await ami.response("hold")
    ami.send("Action: Bridge", "ActionID: by-id", "Channel1: dialer-p1", f"Channel2: {agent}")
    assert (await ami.response("by-id")).get("Message") == "Channels have been bridged"
    person = slow_sim.core.find("dialer-p1")
    assert person is not None
    assert slow_sim.core.control_log[-1].channel != person.name  # the wrong channel
    with pytest.raises(UnsafeAmiValue):
        resume_headers("dialer-p1", agent)  # the dialer never sends an id to Bridge


async def test_blind_transfer_to_the_transfer_context(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    agent = await bridged_call(ami, "t1")
    send(ami, "bt", blind_transfer_headers(agent, "+33198765432"))
    assert (await ami.response("bt")).get("Message") == "Transfer succeeded"
    event = await ami.event("BlindTransfer")
    assert (event.get("Context"), event.get("Extension")) == ("dialer-transfer", "0033198765432")
    assert event.get("TransfererChannel") == agent


async def test_blind_transfer_while_held_is_invalid(ami: RawClient) -> None:
    agent = await bridged_call(ami, "t2")
    send(ami, "hold", hold_headers("dialer-t2", agent))
    await ami.response("hold")
    send(ami, "bt", blind_transfer_headers(agent, "901"))
    reply = await ami.response("bt")
    assert (reply.get("Response"), reply.get("Message")) == ("Error", "Transfer invalid")


async def test_attended_transfer_cancelled(slow_sim: PbxSimulator, ami: RawClient) -> None:
    # features.conf maps atxfer => *2 (recording call-control/64).
    agent = await bridged_call(ami, "a1")
    send(ami, "ax", attended_transfer_headers(agent, "806"))
    assert (await ami.response("ax")).get("Message") == "Atxfer successfully queued"
    send(ami, "cx", cancel_transfer_headers(agent))
    assert (await ami.response("cx")).get("Message") == "CancelAtxfer successfully queued"
    assert [r.action for r in slow_sim.core.control_log] == ["Atxfer", "CancelAtxfer"]
    assert slow_sim.core.control_log[0].exten == "806"
    # The agent's channel is the person's again: leaving now ends the call.
    send(ami, "lv", complete_transfer_headers(agent))
    await ami.response("lv")
    await ami.event("Hangup", Uniqueid="dialer-a1")


async def test_attended_transfer_completed_when_the_agent_leaves(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    # Recording call-control/65: the person stays on the line with the destination.
    agent = await bridged_call(ami, "a2")
    send(ami, "ax", attended_transfer_headers(agent, "806"))
    await ami.response("ax")
    send(ami, "lv", complete_transfer_headers(agent))
    assert (await ami.response("lv")).get("Message") == "Channel Hungup"
    assert [r.action for r in slow_sim.core.control_log] == ["Atxfer", "AttendedTransfer"]
    assert slow_sim.core.find(agent) is None
    assert slow_sim.core.find("dialer-a2") is not None
    send(ami, "hp", {"Action": "Hangup", "Channel": "dialer-a2"})
    assert (await ami.response("hp")).get("Message") == "Channel Hungup"


@pytest.mark.parametrize(
    ("mode", "options"), [(SpyMode.LISTEN, "qE"), (SpyMode.WHISPER, "qEw"), (SpyMode.BARGE, "qEB")]
)
async def test_chanspy_rings_the_supervisor(
    slow_sim: PbxSimulator, ami: RawClient, mode: SpyMode, options: str
) -> None:
    agent = await bridged_call(ami, "s1")
    send(ami, "spy", spy_headers("PJSIP/905", agent, mode, "r1"))
    assert (await ami.response("spy")).get("Message") == "Originate successfully queued"
    result = await ami.event("OriginateResponse", Uniqueid="spy-r1")
    assert (result.get("Response"), result.get("Reason")) == ("Success", "4")
    assert result.get("Data") == f"{agent},{options}"
    (spy,) = slow_sim.core.spies
    assert (spy.phone, spy.application, spy.answered) == ("PJSIP/905", "ChanSpy", True)


async def test_the_spy_starts_on_the_agent_and_leaves_with_the_call(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    agent = await bridged_call(ami, "s3")
    send(ami, "spy", spy_headers("Local/805@sim-agents", agent, SpyMode.LISTEN, "r3"))
    await ami.response("spy")
    start = await ami.event("ChanSpyStart", SpyerUniqueid="spy-r3")
    assert start.get("SpyeeChannel") == agent
    send(ami, "hp", {"Action": "Hangup", "Channel": "dialer-s3"})
    await ami.event("Hangup", Uniqueid="dialer-s3")
    await ami.event("ChanSpyStop", SpyerUniqueid="spy-r3")
    await ami.event("Hangup", Uniqueid="spy-r3;2")
    assert slow_sim.core.find("spy-r3") is None


async def test_chanspy_to_an_unknown_phone_fails(slow_sim: PbxSimulator, ami: RawClient) -> None:
    agent = await bridged_call(ami, "s2")
    send(ami, "spy", spy_headers("PJSIP/nobody", agent, SpyMode.LISTEN, "r2"))
    await ami.response("spy")
    result = await ami.event("OriginateResponse", Uniqueid="spy-r2")
    assert (result.get("Response"), result.get("Reason")) == ("Failure", "0")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Action: Redirect", "Context: dialer-hold", "Exten: s", "Priority: 1"],
         "Channel not specified"),
        (["Action: Redirect", "Channel: dialer-x", "Exten: s", "Priority: 1"],
         "Context not specified"),
        (["Action: Redirect", "Channel: dialer-x", "Context: dialer-hold", "Priority: 1"],
         "Exten not specified"),
        (["Action: Redirect", "Channel: dialer-x", "Context: dialer-hold", "Exten: s"],
         "Priority not specified"),
        (["Action: Redirect", "Channel: dialer-x", "Context: c", "Exten: s", "Priority: 0"],
         "Priority is invalid"),
        (["Action: Redirect", "Channel: dialer-x", "Context: c", "Exten: s", "Priority: 1"],
         "Channel does not exist: dialer-x"),
        (["Action: Bridge", "Channel1: dialer-x"], "Missing channel parameter in request"),
        (["Action: Bridge", "Channel1: dialer-x", "Channel2: dialer-y"],
         "Channel1 does not exist: dialer-x"),
        (["Action: BlindTransfer", "Exten: 901"], "No channel specified"),
        (["Action: BlindTransfer", "Channel: dialer-x"], "No extension specified"),
        (["Action: BlindTransfer", "Channel: dialer-x", "Exten: 901"],
         "Channel specified does not exist"),
        (["Action: Atxfer", "Channel: dialer-x", "Exten: 901"], "Channel specified does not exist"),
        (["Action: CancelAtxfer"], "No channel specified"),
    ],
)  # fmt: skip
async def test_refusals_in_asterisk_words(ami: RawClient, lines: list[str], message: str) -> None:
    ami.send(*lines, "ActionID: r")
    reply = await ami.response("r")
    assert (reply.get("Response"), reply.get("Message")) == ("Error", message)


async def test_redirect_into_a_missing_context_hangs_the_call_up(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    await bridged_call(ami, "b1")
    ami.send("Action: Redirect", "ActionID: bad", "Channel: dialer-b1", "Context: nowhere",
             "Exten: s", "Priority: 1")  # fmt: skip
    # Asterisk takes it (ast_async_goto checks nothing), then the channel finds no extension.
    assert (await ami.response("bad")).get("Message") == "Redirect successful"
    hangup = await ami.event("Hangup", Uniqueid="dialer-b1")
    assert hangup.get("Uniqueid") == "dialer-b1"


async def test_a_call_that_ended_is_refused_as_asterisk_refuses_it(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    agent = await bridged_call(ami, "g1")
    person = slow_sim.core.find("dialer-g1")
    assert person is not None
    send(ami, "hp", {"Action": "Hangup", "Channel": "dialer-g1"})
    await ami.event("Hangup", Uniqueid="dialer-g1")
    asks = {
        "r": (hold_headers("dialer-g1", agent), "Channel does not exist: dialer-g1"),
        "b": (resume_headers(person.name, agent), f"Channel1 does not exist: {person.name}"),
        "t": (blind_transfer_headers(agent, "905"), "Channel specified does not exist"),
        "a": (attended_transfer_headers(agent, "806"), "Channel specified does not exist"),
        "c": (cancel_transfer_headers(agent), "Channel specified does not exist"),
    }
    for action_id, (headers, _) in asks.items():
        send(ami, action_id, headers)
    for action_id, (_, message) in asks.items():
        reply = await ami.response(action_id)
        assert (reply.get("Response"), reply.get("Message")) == ("Error", message)
    assert slow_sim.core.control_log == []


async def test_the_agent_leaving_a_held_call_leaves_the_person_on_music(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    agent = await bridged_call(ami, "h2")
    send(ami, "hold", hold_headers("dialer-h2", agent))
    await ami.event("MusicOnHoldStart", Uniqueid="dialer-h2")
    send(ami, "lv", complete_transfer_headers(agent))
    assert (await ami.response("lv")).get("Message") == "Channel Hungup"
    await ami.event("Hangup", Channel=agent)
    assert slow_sim.core.find("dialer-h2") is not None
    # Resuming needs both channels: the agent's is gone.
    person = slow_sim.core.find("dialer-h2")
    assert person is not None
    send(ami, "resume", resume_headers(person.name, agent))
    assert (await ami.response("resume")).get("Message") == f"Channel2 does not exist: {agent}"
    send(ami, "hp", {"Action": "Hangup", "Channel": "dialer-h2"})
    await ami.event("MusicOnHoldStop", Uniqueid="dialer-h2")
    hangup = await ami.event("Hangup", Uniqueid="dialer-h2")
    assert hangup.get("Cause") == "16"


async def test_hold_then_the_person_hangs_up_while_on_music(
    slow_sim: PbxSimulator, ami: RawClient
) -> None:
    agent = await bridged_call(ami, "h3")
    send(ami, "hold", hold_headers("dialer-h3", agent))
    await ami.event("MusicOnHoldStart", Uniqueid="dialer-h3")
    # 0611000001 talks 20 simulated seconds, then its dialplan hangs up.
    hangup = await ami.event("Hangup", timeout=15.0, Uniqueid="dialer-h3")
    assert hangup.get("Cause") == "16"
    await ami.event("Hangup", Channel=agent)
    assert slow_sim.core.find(agent) is None
