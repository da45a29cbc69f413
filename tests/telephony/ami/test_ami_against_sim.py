"""The adapter against the PBX simulator over real TCP: every outcome, predictive
hand-over, and a connection dropped mid-call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from telephony.ami import (
    AmiClient,
    AmiLoginError,
    CallUpdate,
    DialTemplate,
    OriginateRequest,
    OriginateUncertain,
)
from telephony.results import CallResult, CallState
from telephony.sim import PbxSimulator, SimulatorConfig
from tests.telephony.ami.helpers import Recorder, eventually, fast_settings

FACTOR = 0.01  # a 20-s conversation lasts 0.2 s
LOCAL = DialTemplate("Local/{national}@sim-persons")
CALLER = '"Assurance Maladie" <0162000000>'


def pjsip(endpoint: str) -> DialTemplate:
    return DialTemplate(f"PJSIP/{{e164}}@{endpoint}")


# Tests that act on a call while it lives run it slower, so that a loaded
# machine cannot let it end before the test gets to it.
SLOW = 0.1


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[PbxSimulator]:
    factor = getattr(request, "param", FACTOR)
    simulator = PbxSimulator(SimulatorConfig(time_factor=factor, seed=3))
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


@pytest.fixture
async def wired(sim: PbxSimulator) -> AsyncIterator[tuple[AmiClient, Recorder]]:
    recorder = Recorder()
    client = AmiClient(fast_settings(sim.port), recorder, originate_rate=200)
    await client.start(timeout_s=5)
    yield client, recorder
    await client.close()


AGENT = "Local/901@sim-agents"

OUTCOMES = [
    ("answered", "+33611000001", LOCAL, "dialer-connect", CallResult.ANSWERED),
    ("busy", "+33611000002", LOCAL, "dialer-connect", CallResult.BUSY),
    ("noanswer", "+33611000003", LOCAL, "dialer-connect", CallResult.NO_ANSWER),
    ("congestion", "+33611000004", LOCAL, "dialer-connect", CallResult.CONGESTION),
    ("short", "+33611000005", LOCAL, "dialer-connect", CallResult.ANSWERED),
    ("ringthen", "+33611000006", LOCAL, "dialer-connect", CallResult.ANSWERED),
    ("unallocated", "+33611000007", LOCAL, "dialer-connect", CallResult.INVALID_NUMBER),
    ("temporary", "+33611000008", LOCAL, "dialer-connect", CallResult.CONGESTION),
    ("human", "+33611000009", LOCAL, "dialer-connect-amd", CallResult.ANSWERED),
    ("machine", "+33611000010", LOCAL, "dialer-connect-amd", CallResult.MACHINE),
    ("sipok", "+33611000001", pjsip("carrier-answer"), "dialer-connect", CallResult.ANSWERED),
    ("sipbusy", "+33611000002", pjsip("carrier-busy"), "dialer-connect", CallResult.BUSY),
    (
        "sip404",
        "+33611000002",
        pjsip("carrier-notfound"),
        "dialer-connect",
        CallResult.INVALID_NUMBER,
    ),
    (
        "sip503",
        "+33611000002",
        pjsip("carrier-unavailable"),
        "dialer-connect",
        CallResult.CONGESTION,
    ),
    ("sipring", "+33611000002", pjsip("carrier-noanswer"), "dialer-connect", CallResult.NO_ANSWER),
    (
        "sip480",
        "+33611000002",
        pjsip("carrier-tempunavail"),
        "dialer-connect",
        CallResult.NO_ANSWER,
    ),
    (
        "nosuch",
        "+33611000002",
        pjsip("no-such-trunk"),
        "dialer-connect",
        CallResult.NETWORK_FAILURE,
    ),
]


async def test_every_outcome_over_tcp(sim: PbxSimulator, wired: tuple[AmiClient, Recorder]) -> None:
    client, recorder = wired
    for attempt, number, dial, context, _ in OUTCOMES:
        req = OriginateRequest(attempt, number, dial, CALLER, context=context, agent=AGENT)
        await client.originate(req)
    await eventually(lambda: len(recorder.finals()) == len(OUTCOMES), within_s=20)
    assert recorder.finals() == {a: str(r) for a, _, _, _, r in OUTCOMES}
    assert len(client.tracker) == 0
    ids = [r.channel_id for r in sim.dial_log]
    assert sorted(ids) == sorted(f"dialer-{a}" for a, *_ in OUTCOMES)


async def test_predictive_call_waits_for_an_agent_then_connects(
    wired: tuple[AmiClient, Recorder],
) -> None:
    client, recorder = wired
    req = OriginateRequest("p1", "+33611000001", LOCAL, CALLER, agent="", abandon_ms=1_000_000)
    await client.originate(req)
    await eventually(lambda: any(u.waiting_for_agent for u in recorder.updates))
    waiting = next(u for u in recorder.updates if u.waiting_for_agent)
    assert waiting.state is CallState.ANSWERED and waiting.channel_id == "dialer-p1"
    await client.setvar(waiting.channel_id, "AGENT", "Local/905@sim-agents")
    await eventually(lambda: "p1" in recorder.finals(), within_s=10)
    states = [u.state for u in recorder.updates]
    assert CallState.CONNECTED in states
    assert recorder.finals() == {"p1": str(CallResult.ANSWERED)}
    assert recorder.updates[-1].agent == "Local/905@sim-agents"


async def test_predictive_call_without_agent_is_abandoned(
    wired: tuple[AmiClient, Recorder],
) -> None:
    client, recorder = wired
    req = OriginateRequest("p2", "+33611000001", LOCAL, CALLER, agent="", abandon_ms=2000)
    await client.originate(req)
    await eventually(lambda: "p2" in recorder.finals(), within_s=10)
    assert recorder.finals() == {"p2": str(CallResult.ABANDONED)}


@pytest.mark.parametrize("sim", [SLOW], indirect=True)
async def test_dialer_hangs_up_an_answered_call(
    sim: PbxSimulator, wired: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = wired
    req = OriginateRequest("h1", "+33611000001", pjsip("carrier-answer"), CALLER, agent=AGENT)
    await client.originate(req)
    await eventually(lambda: any(u.state is CallState.CONNECTED for u in recorder.updates))
    channels = await client.core_show_channels()
    assert "dialer-h1" in {c.get("Uniqueid") for c in channels}
    status = await client.status("dialer-h1")
    assert [s.get("Uniqueid") for s in status] == ["dialer-h1"]
    assert await client.getvar("dialer-h1", "ATTEMPT_ID") == "h1"
    await client.hangup("dialer-h1")
    await eventually(lambda: "h1" in recorder.finals())
    assert recorder.finals() == {"h1": str(CallResult.ANSWERED)}
    assert "dialer-h1" not in sim.active_channels()


def finals_per_attempt(updates: list[CallUpdate]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for u in updates:
        if u.result is not None:
            counts[u.attempt_id] = counts.get(u.attempt_id, 0) + 1
    return counts


async def test_connection_dropped_mid_call_loses_and_duplicates_nothing(
    sim: PbxSimulator, wired: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = wired
    attempts = [f"d{i}" for i in range(12)]
    numbers = ["+33611000001", "+33611000003", "+33611000006", "+33611000005"]
    for i, attempt in enumerate(attempts):
        req = OriginateRequest(
            attempt, numbers[i % 4], LOCAL, CALLER, agent=AGENT, timeout_ms=60_000
        )
        await client.originate(req)
    await asyncio.sleep(0.05)
    logins = client.connection.logins
    sim.faults.drop_connections()
    await eventually(lambda: client.connection.logins > logins and client.connected)
    await eventually(lambda: set(recorder.finals()) == set(attempts), within_s=20)
    assert finals_per_attempt(recorder.updates) == {a: 1 for a in attempts}
    dialled = [r.channel_id for r in sim.dial_log]
    assert sorted(dialled) == sorted(f"dialer-{a}" for a in attempts)
    results = set(recorder.finals().values())
    assert results <= {
        str(CallResult.ANSWERED),
        str(CallResult.NO_ANSWER),
        str(CallResult.ENDED_WHILE_DISCONNECTED),
    }


async def test_originate_pending_when_the_pbx_drops_us_is_not_redialled(
    sim: PbxSimulator, wired: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = wired
    sim.faults.response_delay_s = 0.3
    req = OriginateRequest("x1", "+33611000001", LOCAL, CALLER, agent=AGENT)
    pending = asyncio.create_task(client.originate(req))
    await asyncio.sleep(0.05)
    sim.faults.drop_connections()
    with pytest.raises(OriginateUncertain):
        await pending
    sim.faults.response_delay_s = 0.0
    await eventually(lambda: "x1" in recorder.finals(), within_s=10)
    await asyncio.sleep(0.1)
    assert [r.channel_id for r in sim.dial_log].count("dialer-x1") <= 1
    assert finals_per_attempt(recorder.updates) == {"x1": 1}


async def test_lost_response_times_out(sim: PbxSimulator) -> None:
    client = AmiClient(fast_settings(sim.port, action_timeout_s=0.3), Recorder())
    await client.start(timeout_s=5)
    sim.faults.response_delay_s = 1.0
    try:
        with pytest.raises(TimeoutError):
            await client.ping()
    finally:
        sim.faults.response_delay_s = 0.0
        await client.close()


@pytest.mark.parametrize("sim", [SLOW], indirect=True)
async def test_pbx_restart_closes_lost_calls_without_redialling(
    sim: PbxSimulator, wired: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = wired
    attempts = ["r1", "r2", "r3"]
    for attempt in attempts:
        req = OriginateRequest(attempt, "+33611000001", LOCAL, CALLER, agent=AGENT)
        await client.originate(req)
    await eventually(lambda: len(sim.active_channels()) == 3)
    await sim.restart()
    await eventually(lambda: set(recorder.finals()) == set(attempts), within_s=10)
    assert recorder.finals() == {a: str(CallResult.ENDED_WHILE_DISCONNECTED) for a in attempts}
    assert sorted(r.channel_id for r in sim.dial_log) == [f"dialer-{a}" for a in attempts]
    assert await client.ping()


async def test_simulator_refusing_login_is_reported(sim: PbxSimulator) -> None:
    sim.faults.refuse_login = True
    client = AmiClient(fast_settings(sim.port), Recorder())
    with pytest.raises(AmiLoginError):
        await client.start(timeout_s=5)
    assert not client.connected


@pytest.mark.parametrize("auth", ["md5", "plain"])
async def test_both_logins_against_the_simulator(sim: PbxSimulator, auth: str) -> None:
    client = AmiClient(fast_settings(sim.port, auth=auth), Recorder())
    await client.start(timeout_s=5)
    try:
        assert await client.ping()
    finally:
        await client.close()
