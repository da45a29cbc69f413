"""In-process publish/subscribe of call events to agent screens.

The web desk subscribes once per signed-in agent and receives, in order, the
events of the calls the dialer hands to that agent. Payloads carry ids only:
the desk fetches the person's fields itself, through the need-to-know schema
and the access trail, so nothing personal travels (or is logged) through here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

SCREEN_POP = "screen_pop"
CALL_ENDED = "call_ended"
# The dialer is calling a person for the agent: the desk may get the panel ready.
DIALLING = "dialling"
# Preview mode: a record held for the agent before any call, and its hold running out.
PREVIEW = "preview"
PREVIEW_EXPIRED = "preview_expired"

# A desk that stopped reading must not make the dialer grow without bound; the
# oldest events are dropped first since the newest call is the one that matters.
QUEUE_LIMIT = 100

Payload = dict[str, Any]


def call_payload(
    kind: str, attempt_id: int, contact_id: int, campaign_id: int, result: str | None = None
) -> Payload:
    payload: Payload = {
        "kind": kind,
        "attempt_id": attempt_id,
        "contact_id": contact_id,
        "campaign_id": campaign_id,
    }
    if result is not None:
        payload["result"] = result
    return payload


class ScreenPopBus:
    """Fan-out of per-agent events to every open subscription of that agent."""

    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[Payload]]] = defaultdict(set)

    def subscribers(self, agent_user_id: int) -> int:
        return len(self._queues.get(agent_user_id, ()))

    def publish(self, agent_user_id: int, payload: Payload) -> int:
        """Deliver to every subscription of the agent; returns how many received it."""
        queues = self._queues.get(agent_user_id, set())
        for queue in queues:
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(dict(payload))
        return len(queues)

    async def subscribe(self, agent_user_id: int) -> AsyncIterator[Payload]:
        """Events for one agent, from now on, until the consumer stops iterating."""
        queue: asyncio.Queue[Payload] = asyncio.Queue(QUEUE_LIMIT)
        self._queues[agent_user_id].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues[agent_user_id].discard(queue)
            if not self._queues[agent_user_id]:
                del self._queues[agent_user_id]

    def open(self, agent_user_id: int) -> Subscription:
        """A subscription registered at once (``subscribe`` registers on first ``anext``)."""
        return Subscription(self, agent_user_id)


class Subscription:
    """An explicit subscription: registered when created, closed with ``close``."""

    def __init__(self, bus: ScreenPopBus, agent_user_id: int) -> None:
        self._bus = bus
        self.agent_user_id = agent_user_id
        self.queue: asyncio.Queue[Payload] = asyncio.Queue(QUEUE_LIMIT)
        bus._queues[agent_user_id].add(self.queue)

    async def next(self) -> Payload:
        return await self.queue.get()

    def close(self) -> None:
        queues = self._bus._queues.get(self.agent_user_id)
        if queues is not None:
            queues.discard(self.queue)
            if not queues:
                del self._bus._queues[self.agent_user_id]
