"""Pushing feeds to real webhook receivers on loopback that fail and restart."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.feed.delivery import PushSettings, redeliver
from dialer.compliance.feed.push import FeedPusher
from dialer.compliance.feed.signing import verify
from dialer.compliance.feed.webhooks import set_webhook
from dialer.contacts.funds import FundFeed
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import NIR, World, build_world, bulk_events
from tests.dialer.compliance.feed.receiver import Delivery, Receiver, seeded_policy


class Clock:
    """The pusher's clock, moved by the test so backoff never means waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 10, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def world(engine: Engine, cipher: DataCipher) -> World:
    return build_world(engine, cipher)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


def _hook(engine: Engine, cipher: DataCipher, fund_id: int, url: str) -> str:
    with Session(engine) as session:
        secret = set_webhook(session, cipher, fund_id, url)
        session.commit()
    assert secret is not None
    return secret


def _feed(engine: Engine, fund_id: int) -> FundFeed:
    with Session(engine) as session:
        feed = session.get(FundFeed, fund_id)
    assert feed is not None
    return feed


def _pusher(engine: Engine, cipher: DataCipher, clock: Clock, **settings: float) -> FeedPusher:
    return FeedPusher(
        engine,
        cipher,
        httpx.AsyncClient,
        clock,
        PushSettings(**settings),  # type: ignore[arg-type]
        rng=random.Random(3),
    )


def _check_fund_stream(deliveries: list[Delivery], code: str, secret: str, count: int) -> int:
    """Asserts at-least-once, in-order, signed delivery; returns how many duplicates came."""
    mine = [d for d in deliveries if d.data["fund"] == code]
    first_seen: dict[str, dict[str, object]] = {}
    order: list[int] = []
    for delivery in mine:
        assert verify(
            secret,
            delivery.headers["x-dialer-timestamp"],
            delivery.body,
            delivery.headers["x-dialer-signature"],
        )
        events = delivery.data["events"]
        seqs = [event["seq"] for event in events]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        ids = f"{events[0]['event_id']}-{events[-1]['event_id']}"
        assert delivery.headers["idempotency-key"] == ids
        for event in events:
            if event["event_id"] in first_seen:
                assert first_seen[event["event_id"]] == event  # a duplicate, recognisable
            else:
                first_seen[event["event_id"]] = event
                order.append(event["seq"])
    assert order == list(range(1, count + 1))
    return sum(len(d.data["events"]) for d in mine) - count


async def test_every_event_arrives_in_order_despite_failures_and_restarts(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    receiver = Receiver(policy=seeded_policy(seed=20261125))
    receiver.start()
    secret_a = _hook(engine, cipher, world.fund_a, receiver.url)
    secret_b = _hook(engine, cipher, world.fund_b, receiver.url)
    bulk_events(engine, cipher, world.fund_a, 300)
    bulk_events(engine, cipher, world.fund_b, 110)
    clock = Clock()
    settings = {"batch_size": 25, "max_tries": 1000, "timeout_s": 0.2, "backoff_max_s": 30}
    pusher = _pusher(engine, cipher, clock, **settings)
    down_failures = 0
    try:
        for round_number in range(400):
            if round_number == 4:
                receiver.stop()  # the fund's server goes down...
            if round_number == 7:
                receiver.start()  # ...and comes back on the same port
                pusher = _pusher(engine, cipher, clock, **settings)  # the dialer restarted too
            stats = await pusher.run_once()
            if 4 <= round_number < 7:
                down_failures += stats.failures
            clock.advance(60)
            done_a = _feed(engine, world.fund_a).pushed_seq == 300
            if done_a and _feed(engine, world.fund_b).pushed_seq == 110:
                break
    finally:
        receiver.stop()
    assert _feed(engine, world.fund_a).pushed_seq == 300
    assert _feed(engine, world.fund_b).pushed_seq == 110
    taken = receiver.taken()
    duplicates = _check_fund_stream(taken, "CPAM75", secret_a, 300)
    duplicates += _check_fund_stream(taken, "CGSS971", secret_b, 110)
    fates = {d.fate for d in receiver.deliveries}
    assert fates == {"ok", "error", "slow"}  # the receiver really misbehaved
    assert duplicates > 0  # and slow answers really caused resends
    assert down_failures >= 3  # the pusher kept trying while the receiver was down
    assert taken[0].data["events"][0]["payload"]["nir"] == NIR


async def test_a_stream_stalls_after_max_tries_until_redelivered(
    engine: Engine, cipher: DataCipher, world: World, receiver: Receiver
) -> None:
    secret = _hook(engine, cipher, world.fund_a, receiver.url)
    bulk_events(engine, cipher, world.fund_a, 10)
    receiver.policy = lambda: "error"
    clock = Clock()
    pusher = _pusher(engine, cipher, clock, batch_size=4, max_tries=3)
    for _ in range(3):
        stats = await pusher.run_once()
        assert stats.events == 0
        clock.advance(3600)
    feed = _feed(engine, world.fund_a)
    assert feed.stalled and feed.failed_tries == 3
    assert feed.last_error is not None and "500" in feed.last_error
    assert stats.stalled == [world.fund_a]
    tried = len(receiver.deliveries)
    await pusher.run_once()
    assert len(receiver.deliveries) == tried  # stalled: nothing more is tried

    receiver.policy = lambda: "ok"
    with Session(engine) as session:
        redeliver(session, world.fund_a)
        session.commit()
    stats = await pusher.run_once()
    assert stats.events == 10 and stats.batches == 3
    feed = _feed(engine, world.fund_a)
    assert (feed.pushed_seq, feed.stalled, feed.failed_tries, feed.last_error) == (
        10,
        False,
        0,
        None,
    )

    with Session(engine) as session:
        redeliver(session, world.fund_a, from_seq=8)
        session.commit()
    before = len(receiver.deliveries)
    await pusher.run_once()
    resent = [e["seq"] for d in receiver.deliveries[before:] for e in d.data["events"]]
    assert resent == [8, 9, 10]
    assert all(
        verify(secret, d.headers["x-dialer-timestamp"], d.body, d.headers["x-dialer-signature"])
        for d in receiver.deliveries
    )


async def test_backoff_waits_before_the_next_try(
    engine: Engine, cipher: DataCipher, world: World, receiver: Receiver
) -> None:
    _hook(engine, cipher, world.fund_a, receiver.url)
    bulk_events(engine, cipher, world.fund_a, 2)
    receiver.policy = lambda: "error"
    clock = Clock()
    pusher = _pusher(engine, cipher, clock, backoff_base_s=10)
    await pusher.run_once()
    feed = _feed(engine, world.fund_a)
    assert feed.next_try_at is not None
    assert clock.now + timedelta(seconds=5) <= feed.next_try_at <= clock.now + timedelta(seconds=10)
    await pusher.run_once()  # still backing off: no request
    assert len(receiver.deliveries) == 1
    clock.advance(10)
    receiver.policy = lambda: "ok"
    stats = await pusher.run_once()
    assert stats.events == 2


async def test_redelivery_cannot_skip_ahead(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    bulk_events(engine, cipher, world.fund_a, 5)
    with Session(engine) as session, pytest.raises(ValueError):
        redeliver(session, world.fund_a, from_seq=3)  # nothing pushed yet: 3 would skip 1 and 2


async def test_run_forever_delivers_and_stops(
    engine: Engine, cipher: DataCipher, world: World, receiver: Receiver
) -> None:
    _hook(engine, cipher, world.fund_a, receiver.url)
    bulk_events(engine, cipher, world.fund_a, 30)
    stop = asyncio.Event()
    pusher = _pusher(engine, cipher, Clock(), batch_size=10, idle_interval_s=0.05)
    task = asyncio.create_task(pusher.run_forever(stop))
    while _feed(engine, world.fund_a).pushed_seq < 30:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for d in receiver.deliveries for e in d.data["events"]] == list(range(1, 31))


def test_webhooks_must_use_https_outside_this_machine(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="HTTPS"):
        set_webhook(session, cipher, world.fund_a, "http://caisse.example.org/hook")
