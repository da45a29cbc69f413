"""Faults on command: refused logins, slow answers, failing actions, drops, restarts."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from telephony.sim import PbxSimulator, SimulatorConfig, serve_forever

from .conftest import originate
from .rawclient import RawClient


async def test_refused_login_answers_failed_then_closes(sim: PbxSimulator) -> None:
    sim.faults.refuse_login = True
    raw = await RawClient.connect(sim.port)
    answer = await raw.login()
    assert (answer.get("Response"), answer.get("Message")) == ("Error", "Authentication failed")
    await asyncio.wait_for(raw.closed.wait(), 2)
    await raw.close()


async def test_response_delay_holds_every_answer(sim: PbxSimulator, client: RawClient) -> None:
    sim.faults.response_delay_s = 0.3
    client.send("Action: Ping", "ActionID: p1")
    await asyncio.sleep(0.1)
    assert not [m for m in client.messages if m.get("ActionID") == "p1"]
    assert (await client.response("p1", timeout=2)).get("Ping") == "Pong"


async def test_error_actions_answer_error(sim: PbxSimulator, client: RawClient) -> None:
    sim.faults.error_actions = {"Originate"}
    originate(client, "f1", "Local/0611000001@sim-persons")
    answer = await client.response("o-f1")
    assert answer.get("Response") == "Error"
    assert sim.dial_log == []


async def test_dropped_connection_leaves_calls_running(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "f2", "Local/0611000001@sim-persons")
    await client.event("BridgeEnter", Uniqueid="dialer-f2")
    sim.faults.drop_connections()
    await asyncio.wait_for(client.closed.wait(), 2)
    assert sim.active_channels() == ["dialer-f2"]
    again = await RawClient.connect(sim.port)
    await again.login()
    again.send("Action: Getvar", "ActionID: g1", "Channel: dialer-f2", "Variable: AGENT")
    assert (await again.response("g1")).get("Value") == "Local/901@sim-agents"
    # The person hangs up while nobody listened to the start: the end is still seen.
    assert (await again.event("Hangup", Uniqueid="dialer-f2")).get("Cause") == "16"
    await again.close()


async def test_restart_closes_everything_and_listens_on_same_port(
    sim: PbxSimulator, client: RawClient
) -> None:
    originate(client, "f3", "Local/0611000001@sim-persons")
    await client.event("BridgeEnter", Uniqueid="dialer-f3")
    port = sim.port
    await sim.restart()
    await asyncio.wait_for(client.closed.wait(), 2)
    assert sim.port == port
    assert sim.active_channels() == []
    again = await RawClient.connect(port)
    assert (await again.login()).get("Message") == "Authentication accepted"
    again.send("Action: Status", "ActionID: s1")
    complete = await again.event("StatusComplete")
    assert complete.get("ListItems") == "0"
    await again.close()


async def test_events_off_silences_the_connection(sim: PbxSimulator, client: RawClient) -> None:
    client.send("Action: Events", "ActionID: e1", "EventMask: off")
    assert (await client.response("e1")).get("Events") == "Off"
    originate(client, "f4", "Local/0611000002@sim-persons")
    await client.response("o-f4")
    while sim.active_channels():
        await asyncio.sleep(0.01)
    assert not [m for m in client.messages if m.is_event]


async def test_originate_without_usable_channel_is_refused(
    sim: PbxSimulator, client: RawClient
) -> None:
    client.send("Action: Originate", "ActionID: n1", "Context: dialer-connect", "Exten: s")
    assert (await client.response("n1")).get("Message") == "Channel not specified"
    originate(client, "n2", "0611000001")
    assert (await client.response("o-n2")).get("Message") == "Invalid channel"
    assert sim.dial_log == []


async def test_serve_forever_answers_until_cancelled() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = asyncio.create_task(serve_forever("127.0.0.1", port, SimulatorConfig()))
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                raw = await RawClient.connect(port)
                break
            await asyncio.sleep(0.02)
        assert (await raw.login()).get("Message") == "Authentication accepted"
        await raw.close()
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)


async def test_client_that_stops_reading_is_dropped_and_calls_go_on() -> None:
    sim = PbxSimulator(SimulatorConfig(time_factor=0.001, max_client_backlog=20_000))
    await sim.start()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", sim.port))
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        writer.write(b"Action: Login\r\nUsername: dialer\r\nSecret: dialer-secret\r\n\r\n")
        client = RawClient(reader, writer)
        await client.wait_for(lambda m: m.get("Message") == "Authentication accepted")
        client._task.cancel()  # stop reading, as a stuck client would
        # About 25 kB of events per answered call: far more than the socket buffers hold.
        for i in range(300):
            originate(client, f"s{i}", "Local/0611000001@sim-persons")
        for _ in range(200):
            if not sim.connections:
                break
            await asyncio.sleep(0.01)
        assert not sim.connections
        # What the PBX accepted before dropping the client still plays out to the end.
        assert sim.dial_log
        for _ in range(200):
            if all(record.result == "answered" for record in sim.dial_log):
                break
            await asyncio.sleep(0.01)
        assert all(record.result == "answered" for record in sim.dial_log)
    finally:
        writer.close()
        await sim.stop()
