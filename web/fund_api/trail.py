"""The access-trail hook of the fund API: every read of a feed ends here.

The trail itself is written elsewhere; the app passes its recorder as ``callback``.
"""

from __future__ import annotations

from collections.abc import Callable

# (fund_id, first_seq, last_seq, client address); seqs are None when nothing was read.
FeedReadCallback = Callable[[int, int | None, int | None, str | None], None]


def on_feed_read(
    fund_id: int,
    first_seq: int | None,
    last_seq: int | None,
    address: str | None,
    callback: FeedReadCallback | None = None,
) -> None:
    """A fund read events ``first_seq..last_seq`` of its feed from ``address``."""
    if callback is not None:
        callback(fund_id, first_seq, last_seq, address)
