"""Runs the feed pusher in the background of the service until it stops."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from dialer.compliance.feed.delivery import PushSettings
from dialer.compliance.feed.push import FeedPusher
from dialer.core.columns import utcnow
from dialer.core.runtime import Runtime


class FeedDelivery:
    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        push = PushSettings(
            batch_size=settings.feed_batch_size,
            max_tries=settings.feed_max_tries,
            timeout_s=settings.feed_timeout_s,
        )
        self.pusher = FeedPusher(
            runtime.engine,
            runtime.cipher,
            lambda: httpx.AsyncClient(timeout=settings.feed_timeout_s),
            utcnow,
            push,
        )
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.pusher.run_forever(self._stop), name="feed-push")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, timeout=15)
        self._task = None
