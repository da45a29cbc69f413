from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.telephony.ami.scripted import ScriptedAmi


@pytest.fixture
async def scripted() -> AsyncIterator[ScriptedAmi]:
    server = ScriptedAmi()
    await server.start()
    yield server
    await server.stop()
