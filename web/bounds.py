"""The numbers a request may carry: ids, cursors and counts are refused at the edge.

A value past a database integer makes the driver fail deep inside a query (a 500);
bounding it where it enters turns it into a plain 400 with a French message.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Ids beyond 32 bits cannot exist and would overflow PostgreSQL's integer columns.
MAX_ID = 2**31 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def parse_id(text: str) -> int | None:
    """An id typed in a form field; None unless plain ASCII digits within the id range.

    ``str.isdigit`` alone lets through « ² » or other scripts' digits that ``int`` refuses.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
