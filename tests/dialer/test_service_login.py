"""The running service logs in to AMI as ``DIALER_AMI_URL`` says, as ``dialer pbx check`` does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine

from dialer.core.crypto import DataCipher
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from telephony.sim import PbxSimulator, SimulatorConfig


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(SimulatorConfig(time_factor=0.01))
    await sim.start("127.0.0.1", 0)
    yield sim
    await sim.stop()


async def _logins_of(
    engine: Engine, cipher: DataCipher, pbx: PbxSimulator, query: str
) -> list[str]:
    settings = Settings(
        database_url=str(engine.url),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{pbx.port}{query}",
        embedded_pbx=False,
        ami_action_timeout_s=5.0,
    )
    service = DialerService(Runtime(settings, engine, cipher))
    await service.start(run_loop=False)
    await service.stop()
    return list(pbx.logins)


async def test_auth_plain_in_the_url_logs_in_with_the_secret(
    engine: Engine, cipher: DataCipher, pbx: PbxSimulator
) -> None:
    assert await _logins_of(engine, cipher, pbx, "?auth=plain") == ["plain"]


async def test_by_default_the_service_answers_an_md5_challenge(
    engine: Engine, cipher: DataCipher, pbx: PbxSimulator
) -> None:
    assert await _logins_of(engine, cipher, pbx, "") == ["md5"]
