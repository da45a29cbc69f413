"""Turn file rows into sealed records, in this process or in helper processes.

Parsing and sealing cost more than storing, so large files are parsed by a
small process pool while this process writes to the database. Chunks come back
in file order, which keeps merge decisions and line numbers exactly as in a
serial run.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from itertools import islice
from operator import attrgetter
from typing import Any

from dialer.campaigns.importing.defects import row_ref_index, row_ref_of
from dialer.campaigns.importing.records import (
    SEALED_PERSON_COLUMNS,
    ContactRecord,
    identity_key,
    person_row,
    seal_person,
    seal_theme_data,
)
from dialer.campaigns.importing.report import Reject
from dialer.contacts.territories import Territory
from dialer.contacts.themes import get_theme, match_columns, parse_row
from dialer.contacts.themes.rows import ParsedRow
from dialer.core.crypto import DataCipher, KeyRing

Row = tuple[int, list[str]]
CHUNK_ROWS = 2000
IN_FLIGHT_PER_WORKER = 3
QUIET_GC_THRESHOLDS = (50_000, 10, 5)
FULL_COLLECTION_EVERY = 32  # batches


@dataclass(frozen=True)
class ParseContext:
    theme_key: str
    header: tuple[str, ...]
    fund_id: int
    fund_territory: Territory
    key_ring_json: str


@dataclass
class ParsedChunk:
    rows: int
    records: list[ContactRecord]
    rejects: list[list[Reject]]
    split_time_zones: int = 0  # rows whose address and number differ in time zone

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Sent back from a parsing process as plain tuples: pickling a dataclass
        # instance a row cost the helper 4 us of its 60 us a row.
        records = [_record_values(r) for r in self.records]
        return (_rebuilt_chunk, (self.rows, records, self.rejects, self.split_time_zones))


# A record's fields in order, as one tuple (ContactRecord(*values) rebuilds it); read by
# name, since ``__dict__`` costs a dict an instance in Python 3.11 (6 us a row).
_record_values = attrgetter(*(f.name for f in fields(ContactRecord)))


def _rebuilt_chunk(
    rows: int, records: list[tuple[Any, ...]], rejects: list[list[Reject]], split: int
) -> ParsedChunk:
    return ParsedChunk(rows, [ContactRecord(*r) for r in records], rejects, split)


class RowParser:
    def __init__(self, context: ParseContext) -> None:
        self.theme = get_theme(context.theme_key)
        self.mapping = match_columns(self.theme, list(context.header))
        self.context = context
        self.cipher = DataCipher(KeyRing.from_json(context.key_ring_json))
        self.secret_keys = set(self.theme.secret_fields)
        self.audience = self.theme.audience.value
        self.ref_index = row_ref_index(self.mapping)
        self._given: dict[tuple[str, ...], tuple[str, ...]] = {}

    def parse_chunk(self, chunk: list[Row]) -> ParsedChunk:
        out = ParsedChunk(rows=0, records=[], rejects=[])
        for line, cells in chunk:
            if not any(cell.strip() for cell in cells):
                continue
            out.rows += 1
            parsed = parse_row(self.theme, self.mapping, cells, self.context.fund_territory)
            if isinstance(parsed, list):
                ref = row_ref_of(cells, self.ref_index)
                out.rejects.append([Reject(line, e.column, e.value, e.reason, ref) for e in parsed])
            else:
                out.records.append(self._record(line, parsed))
                out.split_time_zones += parsed.split_time_zones
        return out

    def _record(self, line: int, parsed: ParsedRow) -> ContactRecord:
        # The parsed row is this parser's own and dropped after: sealed where it lies.
        person = seal_person(parsed.person, self.cipher, in_place=True)
        person.update(
            audience=self.audience,
            fund_id=self.context.fund_id,
            territory=parsed.territory.value,
            time_zone=parsed.time_zone,
        )
        names = tuple(person)
        given = self._given.get(names)
        if given is None:  # one shared tuple per shape of row: pickled once a chunk
            given = self._given[names] = tuple(c for c in names if c not in SEALED_PERSON_COLUMNS)
        key = identity_key(self.audience, parsed.identity, self.cipher)
        sealed = seal_theme_data(parsed.theme_data, self.secret_keys, self.cipher)
        return ContactRecord(
            line=line,
            identity_key=key,
            row_ref=parsed.row_ref,
            person=person_row(key, person),
            person_given=given,
            theme_json=json.dumps(sealed),
            theme_secret_plain=None if sealed is parsed.theme_data else parsed.theme_data,
        )


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Rarer, cheaper garbage collections while a file is imported, as before after.

    An import makes millions of short-lived objects; at the default thresholds
    the collector runs every 700 allocations and walks every live object (a
    sixth of the storing process's time). Objects alive at the start are frozen
    out of its walks, and a full pass still comes after every batch: SQLAlchemy
    leaves each batch's look-up keys in reference cycles that only such a pass
    frees (``free_batch_cycles``), and memory must stay flat however long the file.
    """
    before = gc.get_threshold()
    # A web process froze its start-up heap already (``dialer.core.heap``): an import
    # must not unfreeze it on its way out.
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()  # what lives now is walked by no collection until the end
    gc.set_threshold(*QUIET_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freezing:
            gc.unfreeze()


def free_batch_cycles(batch_number: int) -> None:
    """Collect the cycles a batch left: the young generations after each batch
    (they hold little else, so it is quick), everything now and then for what
    was still referenced at that moment."""
    gc.collect(0 if batch_number % FULL_COLLECTION_EVERY else 2)


_worker_parser: RowParser | None = None  # one per helper process, set by its initializer


def _init_worker(context: ParseContext) -> None:
    global _worker_parser
    _worker_parser = RowParser(context)
    # A helper makes short-lived rows: the collector's frequent passes over its
    # modules' objects cost a tenth of the parsing and free nothing.
    gc.freeze()
    gc.set_threshold(*QUIET_GC_THRESHOLDS)


def _parse_in_worker(chunk: list[Row]) -> ParsedChunk:
    assert _worker_parser is not None
    return _worker_parser.parse_chunk(chunk)


def chunks(rows: Iterable[Row], size: int = CHUNK_ROWS) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def parse_rows(rows: Iterable[Row], context: ParseContext, workers: int) -> Iterator[ParsedChunk]:
    """Parsed chunks in file order; ``workers`` = 0 parses in this process."""
    if workers <= 0:
        parser = RowParser(context)
        yield from (parser.parse_chunk(chunk) for chunk in chunks(rows))
        return
    spawn = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
    with ProcessPoolExecutor(workers, spawn, _init_worker, (context,)) as pool:
        pending: deque[Future[ParsedChunk]] = deque()
        for chunk in chunks(rows):
            pending.append(pool.submit(_parse_in_worker, chunk))
            # Bounded read-ahead keeps memory flat whatever the file size.
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
