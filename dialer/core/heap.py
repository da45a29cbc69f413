"""The start-up heap kept out of the garbage collector's full passes while a service runs.

A running service holds a million objects made at start-up (modules, SQLAlchemy's
mappers, templates, the metrics) that live as long as it does. Every full pass of the
collector walked them all: 150 to 200 ms with every thread stopped, measured ten times
in 90 s on a floor of 200 desks, and a screen pop caught in one waited that long.
Frozen, they are walked by no pass until the service stops.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects allowed before a pass (Python's default: 700). A request makes
# thousands; at 700 the passes came 20 times a second and promoted enough to set a
# full pass off every few seconds.
YOUNG_OBJECTS_PER_PASS = 10_000


@contextmanager
def start_up_heap_frozen() -> Iterator[None]:
    """Freeze what lives now for as long as the block runs (the service's life)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_PER_PASS, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        # Back under the collector: a process that goes on (tests, a restart in the
        # same interpreter) frees what the service left in reference cycles.
        gc.unfreeze()
