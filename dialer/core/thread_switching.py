"""A thread waiting for the interpreter's lock gets it within a millisecond while a service runs.

A screen pop crosses threads: the worker's event loop hears the bridge and a thread of
its own stores it; a web thread checks the access and writes the trail, and the event
loop streams the frame. Each time such a thread comes back from the database it waits
for the interpreter's lock, and a busy thread (the event loop reading a burst of AMI
events, the web rendering another desk's panel) keeps it for Python's switch interval,
5 ms by default, before it must let go. A pop made three or four such waits: with 200
desks on a 2-core machine, the pops' server side (bridge heard to frame streamed) had
a p99 of 46 ms at 5 ms, 28 ms at 1 ms (``bench/screenpop.py --layout production``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Longer than a statement's typical Python work between two waits on the network, so a
# busy thread is not interrupted for nothing; short against the pop's 50 ms budget.
SWITCH_INTERVAL_S = 0.001


@contextmanager
def quick_thread_switches() -> Iterator[None]:
    """The interpreter's switch interval at ``SWITCH_INTERVAL_S`` for as long as the block
    runs (the service's life), as it was after."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
