"""The running service delivers feeds in the background, and stops cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.feed.runner import FeedDelivery
from dialer.compliance.feed.webhooks import set_webhook
from dialer.contacts.funds import FundFeed
from dialer.core.crypto import DataCipher
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from tests.dialer.compliance.feed.factory import build_world, bulk_events
from tests.dialer.compliance.feed.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


async def test_background_delivery_catches_up_then_stops(
    engine: Engine, cipher: DataCipher, receiver: Receiver, tmp_path: Path
) -> None:
    world = build_world(engine, cipher)
    with Session(engine) as session:
        set_webhook(session, cipher, world.fund_a, receiver.url)
        session.commit()
    bulk_events(engine, cipher, world.fund_a, 30)
    settings = Settings(
        database_url="sqlite://", data_key_file=tmp_path / "k.json", feed_batch_size=7
    )
    delivery = FeedDelivery(Runtime(settings=settings, engine=engine, cipher=cipher))
    delivery.start()
    for _ in range(200):
        with Session(engine) as session:
            feed = session.get(FundFeed, world.fund_a)
            if feed is not None and feed.pushed_seq == 30:
                break
        await asyncio.sleep(0.05)
    await delivery.stop()
    seqs = [event["seq"] for d in receiver.taken() for event in d.data["events"]]
    assert seqs == list(range(1, 31))
