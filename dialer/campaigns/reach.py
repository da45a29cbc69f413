"""What "reached" means for a call attempt, in SQL: the one definition the product counts with.

The rule itself is ``telephony.results.is_reached``: a human answered (an answer
time, or an agent connected), whatever ended the call afterwards. These
expressions say the same to the database for the 4-reached-in-30-days cap, the
day's summary, the dashboards and the statistics.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col

from dialer.campaigns.attempts import CallAttempt
from telephony.results import REACHED_RESULTS, CallResult

_REACHED_VALUES = sorted(result.value for result in REACHED_RESULTS)


def reached_condition() -> Any:
    """``callattempt`` rows whose person was reached (see ``is_reached``)."""
    result = col(CallAttempt.result)
    return or_(
        col(CallAttempt.connected_at).is_not(None),
        result.in_(_REACHED_VALUES),
        and_(
            col(CallAttempt.answered_at).is_not(None),
            or_(result.is_(None), result != CallResult.MACHINE.value),
        ),
    )


def reached_moment() -> Any:
    """When the person was reached: the answer, else the agent's connection."""
    return func.coalesce(col(CallAttempt.answered_at), col(CallAttempt.connected_at))
