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
