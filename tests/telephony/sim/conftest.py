from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from telephony.sim import PbxSimulator, SimulatorConfig

from .rawclient import RawClient


@pytest.fixture
async def sim() -> AsyncIterator[PbxSimulator]:
    simulator = PbxSimulator(SimulatorConfig(time_factor=0.01, seed=7))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def client(sim: PbxSimulator) -> AsyncIterator[RawClient]:
    raw = await RawClient.connect(sim.port)
    answer = await raw.login()
    assert answer.get("Message") == "Authentication accepted"
    yield raw
    await raw.close()


def originate(
    client: RawClient,
    attempt: str,
    dial: str,
    agent: str = "Local/901@sim-agents",
    context: str = "dialer-connect",
    timeout_ms: int = 30000,
    extra: tuple[str, ...] = (),
) -> None:
    client.send(
        "Action: Originate",
        f"ActionID: o-{attempt}",
        f"Channel: {dial}",
        f"Context: {context}",
        "Exten: s",
        "Priority: 1",
        f"Timeout: {timeout_ms}",
        'CallerID: "Assurance Maladie" <0162000000>',
        f"Variable: ATTEMPT_ID={attempt}",
        f"Variable: AGENT={agent}",
        *extra,
        f"ChannelId: dialer-{attempt}",
        f"OtherChannelId: dialer-{attempt}-2",
        "Async: true",
    )
