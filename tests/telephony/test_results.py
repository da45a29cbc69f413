"""Who counts as reached: a human answered, whatever ended the call afterwards."""

from __future__ import annotations

from datetime import datetime

import pytest

from telephony.results import CallResult, is_reached

AT = datetime(2026, 3, 10, 10, 0)


@pytest.mark.parametrize(
    ("result", "answered_at", "connected_at", "reached"),
    [
        (CallResult.ANSWERED, AT, AT, True),
        (CallResult.ABANDONED, AT, None, True),
        (CallResult.ENDED_WHILE_DISCONNECTED, AT, None, True),
        (CallResult.ENDED_WHILE_DISCONNECTED, None, AT, True),
        (CallResult.FAILED, AT, None, True),  # a worker crash after the answer
        (None, AT, None, True),  # still talking
        (CallResult.ENDED_WHILE_DISCONNECTED, None, None, False),
        (CallResult.NO_ANSWER, None, None, False),
        (CallResult.BUSY, None, None, False),
        (CallResult.MACHINE, AT, None, False),  # nobody talked
    ],
)
def test_reached(
    result: CallResult | None, answered_at: datetime | None, connected_at: datetime | None,
    reached: bool,
) -> None:  # fmt: skip
    assert is_reached(result, answered_at, connected_at) is reached
