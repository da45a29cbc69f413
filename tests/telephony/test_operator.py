"""The operator's checks, against the PBX simulator over TCP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from telephony.ami.connection import ConnectionSettings
from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.frames import DialTemplate
from telephony.operator import check_pbx, place_test_call
from telephony.results import CallResult
from telephony.sim import PbxSimulator, SimulatorConfig


@pytest.fixture
async def connection() -> AsyncIterator[ConnectionSettings]:
    sim = PbxSimulator(
        SimulatorConfig(username="dialer", secret="dialer-secret", time_factor=0.002)
    )
    await sim.start(host="127.0.0.1", port=0)
    endpoint = AmiEndpoint.parse(f"ami://dialer:dialer-secret@127.0.0.1:{sim.port}")
    yield ConnectionSettings(endpoint=endpoint, action_timeout_s=5)
    await sim.stop()


async def test_check_reports_version_and_channels(connection: ConnectionSettings) -> None:
    report = await check_pbx(connection)
    assert report.version == "22.10.1"
    assert report.channels == 0


@pytest.mark.parametrize(
    ("number", "agent", "result", "reason"),
    [
        ("+33611000002", "", CallResult.BUSY, "5"),
        ("+33611000001", "Local/901@sim-agents", CallResult.ANSWERED, "4"),
        ("+33611000001", "", CallResult.ABANDONED, "4"),
        ("+33611000007", "", CallResult.INVALID_NUMBER, "0"),
    ],
)
async def test_test_call_prints_how_it_ended(
    connection: ConnectionSettings, number: str, agent: str, result: CallResult, reason: str
) -> None:
    dial = DialTemplate("Local/{national}@sim-persons")
    final = await place_test_call(connection, number, dial, "+33162000000", 30, agent)
    assert final.result == result
    assert final.reason == reason


async def test_the_test_call_rings_as_long_as_the_ring_timeout_says() -> None:
    sim = PbxSimulator(SimulatorConfig(time_factor=0.002))
    await sim.start(host="127.0.0.1", port=0)
    endpoint = AmiEndpoint.parse(f"ami://dialer:dialer-secret@127.0.0.1:{sim.port}")
    dial = DialTemplate("Local/{national}@sim-persons")
    try:
        await place_test_call(
            ConnectionSettings(endpoint), "+33611000002", dial, "+33162000000", 12
        )
        [record] = sim.dial_log
    finally:
        await sim.stop()
    assert record.ring_timeout_ms == 12_000
