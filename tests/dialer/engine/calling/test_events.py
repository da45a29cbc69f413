"""The per-agent screen-pop bus."""

from __future__ import annotations

import asyncio

from dialer.engine.calling.events import QUEUE_LIMIT, SCREEN_POP, ScreenPopBus, call_payload


async def test_events_reach_only_the_agent_subscribed() -> None:
    bus = ScreenPopBus()
    mine, other = bus.open(1), bus.open(2)
    assert bus.publish(1, call_payload(SCREEN_POP, 10, 20, 30)) == 1
    assert await mine.next() == {
        "kind": "screen_pop", "attempt_id": 10, "contact_id": 20, "campaign_id": 30,
    }  # fmt: skip
    assert other.queue.empty()
    mine.close()
    assert bus.publish(1, call_payload(SCREEN_POP, 11, 20, 30)) == 0
    other.close()
    assert bus.subscribers(2) == 0


async def test_async_iterator_subscription_and_slow_reader() -> None:
    bus = ScreenPopBus()
    stream = bus.subscribe(5)
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0)  # registers the subscription
    for n in range(QUEUE_LIMIT + 5):
        bus.publish(5, call_payload(SCREEN_POP, n, 0, 0))
    # The oldest events were dropped for a reader that fell behind, never the newest.
    assert (await first)["attempt_id"] == 5
    await stream.aclose()
    assert bus.subscribers(5) == 0
