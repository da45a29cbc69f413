"""Reading a fund's feed in pages by sequence number, as raw text ready to send.

Rows come back with their payload as the stored JSON text, so a page can be sent
without parsing and re-encoding every event; memory stays bounded by one page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, func, select
from sqlalchemy.engine import Connection, Engine

from dialer.compliance.feed.models import FeedEvent

PAGE_SIZE = 5000

_events: Any = FeedEvent.__table__  # type: ignore[attr-defined]


class FeedRow(NamedTuple):
    seq: int
    event_id: str
    kind: str
    recorded_at: str  # the database's text for the naive UTC datetime
    payload_text: str


def _select() -> Any:
    c = _events.c
    return select(c.seq, c.event_id, c.kind, cast(c.created_at, Text), cast(c.payload, Text))


def read_page(engine: Engine, fund_id: int, after: int, size: int) -> list[FeedRow]:
    """Up to ``size`` events of ``fund_id`` with ``seq > after``, in order.

    Numbers have no gaps, so the next ``size`` events are exactly the range
    ``(after, after + size]``: a bounded range the planner always serves from the
    (fund_id, seq) index, even when its statistics lag a burst of inserts (an
    open-ended ``seq > after ... LIMIT`` made PostgreSQL sort the whole tail).
    A short range means the end of the feed or a hole left by purged events,
    which is jumped over.
    """
    rows: list[FeedRow] = []
    start = after
    with engine.connect() as conn:
        while len(rows) < size:
            want = size - len(rows)
            found = _range(conn, fund_id, start, want)
            rows += found
            if len(found) == want:
                break
            next_seq = conn.execute(_next_seq(fund_id, start + want)).scalar()
            if next_seq is None:
                break
            start = int(next_seq) - 1
    return rows


def _range(conn: Connection, fund_id: int, after: int, size: int) -> list[FeedRow]:
    c = _events.c
    statement = (
        _select().where(c.fund_id == fund_id, c.seq > after, c.seq <= after + size).order_by(c.seq)
    )
    return [FeedRow(*row) for row in conn.execute(statement)]


def _next_seq(fund_id: int, after: int) -> Any:
    c = _events.c
    return select(func.min(c.seq)).where(c.fund_id == fund_id, c.seq > after)


def iter_pages(
    engine: Engine, fund_id: int, after: int, limit: int, page_size: int = PAGE_SIZE
) -> Iterator[list[FeedRow]]:
    """Pages of at most ``page_size`` events after ``after``, ``limit`` events in all.

    Each page opens its own short connection: a slow client never holds a read
    transaction open for the whole download.
    """
    remaining = limit
    while remaining > 0:
        page = read_page(engine, fund_id, after, min(page_size, remaining))
        if not page:
            return
        yield page
        if len(page) < min(page_size, remaining):
            return
        remaining -= len(page)
        after = page[-1].seq


def read_event(engine: Engine, fund_id: int, event_id: str) -> FeedRow | None:
    c = _events.c
    statement = _select().where(c.fund_id == fund_id, c.event_id == event_id)
    with engine.connect() as conn:
        row = conn.execute(statement).first()
    return FeedRow(*row) if row is not None else None
