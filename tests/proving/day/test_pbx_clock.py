"""The simulator's dial log is stamped on the clock it is given (a simulated day's)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

from telephony.sim import PbxSimulator, SimulatorConfig
from tests.telephony.sim.conftest import originate
from tests.telephony.sim.rawclient import RawClient

SIMULATED = datetime(2031, 3, 4, 9, 30)


async def _ended(sim: PbxSimulator) -> None:
    while not sim.dial_log or sim.dial_log[0].result is None:
        await asyncio.sleep(0.01)


async def test_dial_log_lines_carry_the_configured_clock(tmp_path: Path) -> None:
    log = tmp_path / "dials.jsonl"
    config = SimulatorConfig(time_factor=0.01, dial_log_path=log, clock=lambda: SIMULATED)
    sim = PbxSimulator(config)
    await sim.start()
    raw = await RawClient.connect(sim.port)
    try:
        await raw.login()
        originate(raw, "c1", "Local/0611000004@sim-persons")
        await asyncio.wait_for(_ended(sim), 10)
    finally:
        await raw.close()
        await sim.stop()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    stamps = [datetime.fromisoformat(line["at"]).replace(tzinfo=None) for line in lines]
    assert stamps == [SIMULATED, SIMULATED]


async def test_without_a_clock_the_log_is_on_the_wall_clock(tmp_path: Path) -> None:
    log = tmp_path / "dials.jsonl"
    sim = PbxSimulator(SimulatorConfig(time_factor=0.01, dial_log_path=log))
    await sim.start()
    raw = await RawClient.connect(sim.port)
    try:
        await raw.login()
        originate(raw, "c2", "Local/0611000004@sim-persons")
        await asyncio.wait_for(_ended(sim), 10)
    finally:
        await raw.close()
        await sim.stop()
    first = json.loads(log.read_text().splitlines()[0])
    assert datetime.fromisoformat(first["at"]).year != SIMULATED.year


async def _predictive_call(config: SimulatorConfig) -> tuple[bool, bool]:
    """A predictive call: the agent is named only after the person answered.

    Returns whether the PBX abandoned the call and whether it bridged it to the agent.
    """
    sim = PbxSimulator(config)
    await sim.start()
    raw = await RawClient.connect(sim.port)
    try:
        await raw.login()
        # 1 simulated ms of grace (10 real microseconds), 20 s of talk (200 real ms).
        grace = ("Variable: ABANDON_MS=1",)
        originate(raw, "w1", "Local/0611000001@sim-persons", agent="", extra=grace)
        await raw.event("UserEvent", UserEvent="DialerAnswered")
        raw.send("Action: Setvar", "ActionID: v1", "Channel: dialer-w1", "Variable: AGENT",
                 "Value: Local/907@sim-agents")  # fmt: skip
        await raw.response("v1")
        await raw.event("Hangup", Uniqueid="dialer-w1")
        abandoned = any(m.get("UserEvent") == "DialerAbandoned" for m in raw.messages)
        bridged = any(m.get("Event") == "BridgeEnter" for m in raw.messages)
        return abandoned, bridged
    finally:
        await raw.close()
        await sim.stop()


async def test_agent_wait_floor_keeps_a_fast_day_from_abandoning_every_call() -> None:
    fast = SimulatorConfig(time_factor=0.01)
    assert await _predictive_call(fast) == (True, False)
    floored = SimulatorConfig(time_factor=0.01, min_agent_wait_real_s=30.0)
    assert await _predictive_call(floored) == (False, True)
