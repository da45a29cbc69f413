"""The checker reads what the real dialer and PBX simulator leave behind, and finds it clean.

A guard on the checker's reading of the schema and of the dial-log format: a
round of real calls (progressive campaign, two desk agents recording outcomes)
passes, every rule having something to examine but the screen pops, which only
the web desk writes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.engine import Engine

from checker import check_day
from dialer.core.crypto import DataCipher
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import SimulatorConfig
from tests.dialer.engine.calling.conftest import (
    MIXED,
    DeskAgent,
    FakeClock,
    add_agents,
    add_people,
    free_port,
    make_campaign,
    run_until_idle,
)
from tests.dialer.engine.calling.test_progressive import NUMBERS, choose


def _service(engine: Engine, cipher: DataCipher, clock: FakeClock, log: Path) -> DialerService:
    settings = Settings(
        database_url=str(engine.url),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{free_port()}",
        embedded_pbx=True,
        worker_id="worker-checker",
        ami_action_timeout_s=5.0,
        trunk_max_cps=1000.0,
    )
    sim = SimulatorConfig(time_factor=0.002, seed=7, population=MIXED, dial_log_path=log)
    return DialerService(
        Runtime(settings, engine, cipher), clock=clock, pbx=embedded_pbx(settings, sim)
    )


async def _one_round(engine: Engine, service: DialerService, agents: list[DeskAgent]) -> None:
    await service.start(run_loop=False)
    tasks = [asyncio.create_task(desk.run()) for desk in agents]
    try:
        await run_until_idle(engine, service)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()


async def test_a_real_round_of_calls_is_clean(
    engine: Engine, database_url: str, cipher: DataCipher, tmp_path: Path
) -> None:
    clock = FakeClock()
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, NUMBERS[:10])
    agents = add_agents(engine, campaign_id, 2, clock.now)
    service = _service(engine, cipher, clock, tmp_path / "dial-log.jsonl")
    desks = [DeskAgent(engine, service, agent, clock, choose) for agent in agents]
    await _one_round(engine, service, desks)
    report = await asyncio.to_thread(check_day, database_url, tmp_path / "dial-log.jsonl")
    assert report.ok, report.render_fr()
    assert report.counts["calling_window"] == 10
    assert report.counts["traceability"] > 10  # the calls and the recorded outcomes
    assert report.counts["feed_sequence"] == 1
