"""Response bodies of a pull: one JSON page, or NDJSON / CSV streamed page by page.

The CSV is the fund staff's spreadsheet (French headers, labels, local times:
``dialer.compliance.feed.sheet``); JSON and NDJSON keep codes and UTC for programs.

Streams read the feed in pages of ``PAGE_SIZE`` events and send each page as one
chunk, so memory stays flat whatever ``limit`` is. ``on_done`` receives the first
and last sequence numbers actually produced, for the access trail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from sqlalchemy.engine import Engine

from dialer.compliance.feed.reading import PAGE_SIZE, iter_pages, read_page
from dialer.compliance.feed.sheet import Sheet
from dialer.compliance.feed.wire import event_json
from dialer.core.crypto import DataCipher

Done = Callable[[int | None, int | None], None]
BOM = "\ufeff"


def json_page(
    engine: Engine, cipher: DataCipher, fund_id: int, after: int, limit: int
) -> tuple[bytes, int | None, int | None]:
    """The page body and the first and last seq it holds."""
    rows = read_page(engine, fund_id, after, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1].seq if rows else after
    events = ", ".join(event_json(row, cipher) for row in rows)
    body = (
        f'{{"events": [{events}], "next_after": {next_after}, '
        f'"has_more": {"true" if has_more else "false"}}}'
    )
    first = rows[0].seq if rows else None
    return body.encode(), first, rows[-1].seq if rows else None


def ndjson_stream(
    engine: Engine, cipher: DataCipher, fund_id: int, after: int, limit: int, on_done: Done
) -> Iterator[bytes]:
    first: int | None = None
    last: int | None = None
    try:
        for page in iter_pages(engine, fund_id, after, limit, PAGE_SIZE):
            first = page[0].seq if first is None else first
            chunk = "".join(event_json(row, cipher) + "\n" for row in page)
            yield chunk.encode()
            last = page[-1].seq
    finally:
        on_done(first, last)


def csv_stream(
    engine: Engine,
    cipher: DataCipher,
    fund_id: int,
    after: int,
    limit: int,
    sheet: Sheet,
    bom: bool,
    on_done: Done,
) -> Iterator[bytes]:
    first: int | None = None
    last: int | None = None
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(sheet.headers())
    yield ((BOM if bom else "") + _drain(buffer)).encode()
    try:
        for page in iter_pages(engine, fund_id, after, limit, PAGE_SIZE):
            first = page[0].seq if first is None else first
            writer.writerows(sheet.row(row, cipher) for row in page)
            yield _drain(buffer).encode()
            last = page[-1].seq
    finally:
        on_done(first, last)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
