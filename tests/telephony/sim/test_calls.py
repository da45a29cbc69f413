"""Calls beyond the recordings: predictive agent choice, abandon, hangup, number forms."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from telephony.sim import PbxSimulator, SimulatorConfig

from .conftest import originate
from .rawclient import RawClient


async def _ended(sim: PbxSimulator, channel_id: str, timeout: float = 5.0) -> str | None:
    async def wait() -> str | None:
        while True:
            for record in sim.dial_log:
                if record.channel_id == channel_id and record.result is not None:
                    return record.result
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(wait(), timeout)


async def test_agent_chosen_after_answer_is_bridged_at_once(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "p1", "Local/0611000001@sim-persons", agent="")
    answered = await client.event("UserEvent", UserEvent="DialerAnswered")
    assert answered.get("Attempt") == "p1"
    client.send(
        "Action: Setvar",
        "ActionID: v1",
        "Channel: dialer-p1",
        "Variable: AGENT",
        "Value: Local/907@sim-agents",
    )
    assert (await client.response("v1")).get("Message") == "Variable Set"
    dial = await client.event("Newexten", Application="Dial", Uniqueid="dialer-p1")
    assert dial.get("AppData") == "Local/907@sim-agents,15,t"
    enter = await client.event("BridgeEnter", Uniqueid="dialer-p1")
    assert enter.get("BridgeNumChannels") == "2"
    assert await _ended(sim, "dialer-p1") == "answered"


async def test_no_agent_within_abandon_timeout_abandons(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(
        client, "p2", "Local/0611000001@sim-persons", agent="", extra=("Variable: ABANDON_MS=500",)
    )
    abandoned = await client.event("UserEvent", UserEvent="DialerAbandoned")
    assert abandoned.get("Attempt") == "p2"
    playback = await client.event("Newexten", Application="Playback", Uniqueid="dialer-p2")
    # asterisk/extensions.conf: [dialer-agent] polls AGENT, then its `abandon` extension
    # apologises in French (files 51, 52).
    assert (playback.get("Context"), playback.get("Exten")) == ("dialer-agent", "abandon")
    assert (playback.get("AppData"), playback.get("Language")) == ("dialer/abandon-message", "fr")
    hangup = await client.event("Hangup", Uniqueid="dialer-p2")
    assert hangup.get("Cause") == "16"
    assert await _ended(sim, "dialer-p2") == "abandoned"
    assert not [m for m in client.messages if m.get("Event") == "BridgeEnter"]
    # One Wait(0.1) per poll: at most ABANDON_MS / 100 of them, however slow the machine.
    polls = [
        m
        for m in client.messages
        if m.get("Application") == "Wait" and m.get("Uniqueid") == "dialer-p2"
    ]
    assert 1 <= len(polls) <= 5


async def test_client_hangup_ends_the_call_and_forgets_the_channel(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "p3", "Local/0611000001@sim-persons")
    await client.event("BridgeEnter", Uniqueid="dialer-p3")
    assert sim.active_channels() == ["dialer-p3"]
    client.send("Action: Getvar", "ActionID: g1", "Channel: dialer-p3", "Variable: ATTEMPT_ID")
    assert (await client.response("g1")).get("Value") == "p3"
    client.send("Action: Hangup", "ActionID: h1", "Channel: dialer-p3", "Cause: 16")
    assert (await client.response("h1")).get("Message") == "Channel Hungup"
    assert (await client.event("Hangup", Uniqueid="dialer-p3")).get("Cause") == "16"
    assert sim.active_channels() == []
    client.send("Action: Getvar", "ActionID: g2", "Channel: dialer-p3", "Variable: ATTEMPT_ID")
    assert (await client.response("g2")).get("Message") == "No such channel"


async def test_e164_over_the_trunk_and_national_over_local_reach_the_same_person(
    client: RawClient,
) -> None:
    originate(client, "p4", "PJSIP/+33611000002@trunk")
    hangup = await client.event("Hangup", Uniqueid="dialer-p4")
    assert hangup.get("Cause") == "17"
    originate(client, "p4b", "Local/0611000002@sim-persons")
    response = await client.event("OriginateResponse", ActionID="o-p4b")
    assert (response.get("Response"), response.get("Reason")) == ("Failure", "5")


async def test_an_extension_the_dialplan_lacks_places_no_call(
    sim: PbxSimulator, client: RawClient
) -> None:
    # sim-persons knows national numbers only, as extensions-test.conf says.
    originate(client, "p4c", "Local/+33611000002@sim-persons")
    response = await client.event("OriginateResponse", ActionID="o-p4c")
    assert (response.get("Response"), response.get("Reason")) == ("Failure", "0")
    assert await _ended(sim, "dialer-p4c") == "network_failure"
    originate(client, "p4d", "Local/0611000001@no-such-context")
    response = await client.event("OriginateResponse", ActionID="o-p4d")
    assert (response.get("Response"), response.get("Reason")) == ("Failure", "0")


@pytest.mark.parametrize(
    "agent", ["Local/90001@sim-agents", "PJSIP/90001", "90001", "901", "PJSIP/901&PJSIP/902"]
)
async def test_an_agent_line_the_pbx_lacks_is_abandoned_as_asterisk_does(
    sim: PbxSimulator, client: RawClient, agent: str
) -> None:
    # The old dialer sent AGENT=90001 while pjsip.conf declares agents 901-905: on
    # the real PBX Dial failed (CHANUNAVAIL) and every answered person was abandoned.
    originate(client, "p9", "Local/0611000001@sim-persons", agent=agent)
    await client.event("UserEvent", UserEvent="DialerAbandoned")
    assert await _ended(sim, "dialer-p9") == "abandoned"
    assert not [m for m in client.messages if m.get("Event") == "BridgeEnter"]


@pytest.mark.parametrize("agent", ["Local/901@sim-agents", "PJSIP/901", "PJSIP/991"])
async def test_an_agent_line_the_pbx_has_is_bridged(client: RawClient, agent: str) -> None:
    originate(client, "p10", "Local/0611000001@sim-persons", agent=agent)
    dial = await client.event("Newexten", Application="Dial", Uniqueid="dialer-p10")
    assert dial.get("AppData") == f"{agent},15,t"
    await client.event("BridgeEnter", Uniqueid="dialer-p10")


async def test_amd_machine_is_hung_up_and_logged_as_machine(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "p5", "Local/0611000010@sim-persons", context="dialer-connect-amd")
    amd = await client.event("UserEvent", UserEvent="DialerAMD")
    # As Asterisk 22 judged extensions-test.conf's greeting (recordings 58, 59).
    assert (amd.get("Status"), amd.get("Cause")) == ("MACHINE", "LONGGREETING-1500-1500")
    assert await _ended(sim, "dialer-p5") == "machine"


async def test_amd_steps_follow_dialer_connect_amd(client: RawClient) -> None:
    # asterisk/extensions.conf: the abandon clock starts before AMD() (so its seconds
    # count), a person goes on to [dialer-agent], a machine is hung up at n(machine).
    originate(client, "p5h", "Local/0611000009@sim-persons", context="dialer-connect-amd")
    await client.event("BridgeEnter", Uniqueid="dialer-p5h")
    steps = [
        (m.get("Application"), m.get("Priority"))
        for m in client.messages
        if m.get("Event") == "Newexten" and m.get("Context") == "dialer-connect-amd"
    ]
    assert steps == [
        ("NoOp", "1"),
        ("Set", "2"),
        ("AMD", "3"),
        ("UserEvent", "4"),
        ("GotoIf", "5"),
        ("UserEvent", "6"),
        ("Goto", "7"),
    ]
    # No MACHINE_ACTION (or any other word than "message"): n(machine) hangs up.
    originate(client, "p5m", "Local/0611000010@sim-persons", context="dialer-connect-amd")
    hangup = await client.event("Newexten", Application="Hangup", Uniqueid="dialer-p5m")
    assert (hangup.get("Context"), hangup.get("Priority")) == ("dialer-connect-amd", "9")
    machine = [
        (m.get("Application"), m.get("AppData"), m.get("Priority"))
        for m in client.messages
        if m.get("Event") == "Newexten" and m.get("Uniqueid") == "dialer-p5m"
        and m.get("Priority") in ("8", "9")
    ]  # fmt: skip
    assert machine == [("GotoIf", "0?message", "8"), ("Hangup", "16", "9")]


@pytest.mark.parametrize(
    ("action", "played"), [("message", True), ("hangup", False), ("messagex", False)]
)
async def test_amd_machine_action_leaves_the_neutral_message_only_when_asked(
    sim: PbxSimulator, client: RawClient, action: str, played: bool
) -> None:
    # extensions.conf n(machine): only the exact word "message" waits for the beep and
    # plays dialer/machine-message; anything else hangs up at once. Either way a machine.
    attempt = f"m-{action}"
    originate(
        client, attempt, "Local/0611000010@sim-persons", context="dialer-connect-amd",
        extra=(f"Variable: MACHINE_ACTION={action}",),
    )  # fmt: skip
    await client.event("Newexten", Application="Hangup", Uniqueid=f"dialer-{attempt}")
    apps = [
        (m.get("Application"), m.get("AppData"))
        for m in client.messages
        if m.get("Event") == "Newexten" and m.get("Uniqueid") == f"dialer-{attempt}"
    ]
    message = ("Playback", "dialer/machine-message")
    assert (message in apps) is played
    assert (("WaitForSilence", "1500,1,20") in apps) is played
    assert await _ended(sim, f"dialer-{attempt}") == "machine"


async def test_sip_trunk_population_and_unknown_endpoint(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "p6", "PJSIP/+33611000002@trunk")
    hangup = await client.event("Hangup", Uniqueid="dialer-p6")
    assert (hangup.get("Cause"), hangup.get("TechCause")) == ("17", "486")
    originate(client, "p7", "PJSIP/+33611000002@nowhere")
    response = await client.event("OriginateResponse", ActionID="o-p7")
    assert (response.get("Response"), response.get("Reason")) == ("Failure", "0")
    assert await _ended(sim, "dialer-p7") == "network_failure"
    assert not [m for m in client.messages if m.get("Uniqueid") == "dialer-p7" and m.is_event][1:]


async def test_dial_log_file_has_one_line_per_dial_and_per_end(tmp_path: Path) -> None:
    log = tmp_path / "dials.jsonl"
    sim = PbxSimulator(SimulatorConfig(time_factor=0.01, dial_log_path=log))
    await sim.start()
    raw = await RawClient.connect(sim.port)
    try:
        await raw.login()
        originate(raw, "p8", "Local/0611000004@sim-persons")
        assert await _ended(sim, "dialer-p8") == "congestion"
    finally:
        await raw.close()
        await sim.stop()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["dial", "end"]
    assert lines[0]["variables"] == {"ATTEMPT_ID": "p8", "AGENT": "Local/901@sim-agents"}
    assert (lines[1]["result"], lines[1]["cause"]) == ("congestion", 34)
