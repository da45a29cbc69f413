"""Reading pages by seq, including over holes left by purged events."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.feed.reading import iter_pages, read_page
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import build_world, bulk_events


def test_pages_are_exact_and_jump_over_purged_events(engine: Engine, cipher: DataCipher) -> None:
    world = build_world(engine, cipher)
    bulk_events(engine, cipher, world.fund_a, 1000)
    bulk_events(engine, cipher, world.fund_b, 50)
    assert [row.seq for row in read_page(engine, world.fund_a, 0, 100)] == list(range(1, 101))
    with Session(engine) as session:
        purged = col(FeedEvent.seq).between(1, 10) | col(FeedEvent.seq).between(500, 720)
        session.execute(delete(FeedEvent).where(col(FeedEvent.fund_id) == world.fund_a, purged))
        session.commit()
    expected = [*range(11, 500), *range(721, 1001)]
    assert [row.seq for row in read_page(engine, world.fund_a, 0, 100)] == expected[:100]
    assert [row.seq for row in read_page(engine, world.fund_a, 450, 100)] == [
        *range(451, 500),
        *range(721, 772),
    ]
    paged = [row.seq for page in iter_pages(engine, world.fund_a, 0, 10_000, 64) for row in page]
    assert paged == expected
    limited = [row.seq for page in iter_pages(engine, world.fund_a, 5, 300, 64) for row in page]
    assert limited == expected[:300]
    assert read_page(engine, world.fund_a, 1000, 100) == []
    assert [row.seq for row in read_page(engine, world.fund_b, 0, 100)] == list(range(1, 51))
