from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from scripted import ScriptedAmi

from telephony.ami import AmiEndpoint, CallUpdate, ConnectionSettings


class Recorder:
    """A CallObserver that keeps every update."""

    def __init__(self) -> None:
        self.updates: list[CallUpdate] = []

    async def on_call_update(self, update: CallUpdate) -> None:
        self.updates.append(update)

    def finals(self) -> dict[str, str]:
        return {u.attempt_id: str(u.result) for u in self.updates if u.result is not None}


async def eventually(check: Callable[[], bool], within_s: float = 5.0) -> None:
    """Wait until check() holds (a bound against hanging, not a speed assertion)."""
    for _ in range(int(within_s / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    assert check()


def fast_settings(
    port: int, auth: str = "md5", secret: str = "dialer-secret"
) -> ConnectionSettings:
    endpoint = AmiEndpoint.parse(f"ami://dialer:{secret}@127.0.0.1:{port}?auth={auth}")
    return ConnectionSettings(
        endpoint,
        action_timeout_s=0.5,
        connect_timeout_s=1.0,
        ping_interval_s=0.2,
        backoff_initial_s=0.02,
        backoff_max_s=0.1,
    )


@pytest.fixture
async def scripted() -> AsyncIterator[ScriptedAmi]:
    server = ScriptedAmi()
    await server.start()
    yield server
    await server.stop()
