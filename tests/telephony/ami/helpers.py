"""Shared helpers of the AMI adapter tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

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
    port: int, auth: str = "md5", secret: str = "dialer-secret", action_timeout_s: float = 2.0
) -> ConnectionSettings:
    """Quick reconnects; the default timeout leaves room for a loaded machine."""
    endpoint = AmiEndpoint.parse(f"ami://dialer:{secret}@127.0.0.1:{port}?auth={auth}")
    return ConnectionSettings(
        endpoint,
        action_timeout_s=action_timeout_s,
        connect_timeout_s=2.0,
        ping_interval_s=0.3,
        backoff_initial_s=0.02,
        backoff_max_s=0.1,
    )
