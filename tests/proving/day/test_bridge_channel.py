"""Screen pops stay within their schema: deployments sharing a PostgreSQL database.

``dialer-day`` runs in its own schema of a database other runs and tests also
use; NOTIFY channels are database-wide, so each schema needs its own channel.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dialer.core.db import make_engine
from dialer.engine.calling.bridge import CHANNEL, bridge_for, channel_for
from dialer.engine.calling.events import SCREEN_POP, ScreenPopBus, call_payload

PG_URL = os.environ.get("DIALER_TEST_DATABASE_URL", "")
BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WAIT = 30.0  # a bound on waiting, far above a normal run


def _in_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def test_each_schema_has_its_own_channel_and_no_schema_keeps_the_shared_one() -> None:
    one, two = (make_engine(_in_schema(BASE, name)) for name in ("day_a", "day_b"))
    assert channel_for(one) != channel_for(two)
    assert channel_for(one) == channel_for(make_engine(_in_schema(BASE, "day_a")))
    assert channel_for(make_engine(BASE)) == CHANNEL
    assert channel_for(one).startswith(CHANNEL) and len(channel_for(one)) <= 63


@pytest.fixture
def schemas() -> Iterator[tuple[str, str]]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALER_TEST_DATABASE_URL")
    names = (f"t_{uuid.uuid4().hex[:10]}", f"t_{uuid.uuid4().hex[:10]}")
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        for name in names:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    yield _in_schema(PG_URL, names[0]), _in_schema(PG_URL, names[1])
    with admin.begin() as connection:
        for name in names:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


async def _first_pops(mine: str, theirs: str) -> tuple[list[int], int]:
    """Two pops sent in my schema, then a marker in theirs.

    Returns the attempts my schema's listener got, and the first one theirs got:
    had the channel been shared, theirs would see my two pops before its marker,
    since NOTIFY delivers to every listener in commit order.
    """
    urls = (mine, mine, theirs, theirs)  # my sender, my listener, their sender, their listener
    buses = [ScreenPopBus() for _ in urls]
    bridges = [bridge_for(make_engine(url), bus) for url, bus in zip(urls, buses, strict=True)]
    sender, listener, their_sender, their_listener = bridges
    assert sender and listener and their_sender and their_listener
    mine_sub, theirs_sub = buses[1].open(7), buses[3].open(7)
    try:
        for bridge in (listener, their_listener):
            bridge.start_listener()
            await asyncio.wait_for(bridge.listening.wait(), WAIT)
        sender.start_sender()
        their_sender.start_sender()
        sender.publish_to_remote(7, call_payload(SCREEN_POP, 1, 2, 3))
        sender.publish_to_remote(7, call_payload(SCREEN_POP, 4, 5, 6))
        got = [(await asyncio.wait_for(mine_sub.next(), WAIT))["attempt_id"] for _ in range(2)]
        their_sender.publish_to_remote(7, call_payload(SCREEN_POP, 9, 9, 9))
        first = await asyncio.wait_for(theirs_sub.next(), WAIT)
        return got, int(first["attempt_id"])
    finally:
        for each in bridges:
            if each is not None:
                await each.close()


def test_a_pop_reaches_its_own_schema_only(schemas: tuple[str, str]) -> None:
    mine, theirs = schemas
    assert asyncio.run(_first_pops(mine, theirs)) == ([1, 4], 9)
