"""Rule 9: an agent is bridged to one call at a time.

An agent holds a call from its connection (``connected_at``) to its end; a call
that never ended holds its agent for good, so any later connection overlaps it.
The end is the earlier of the dialer's and the PBX's (the dial log): the dialer
may learn of an end late (an AMI outage, a crashed worker) while the agent was
free all along. The later is never taken: the dialer's clock and the PBX's are
not the same clock, and a few milliseconds between them are no second call.
The wrap-up after the call is not a call: the pacing may not hand the agent a
new one before it ends, but that is the desk's rule, not the person's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from checker.day import Day
from checker.db import as_datetime, fetch, required_datetime
from checker.report import Breach, RuleResult

RULE = "agent_on_two_calls"
_BRIDGED = """
SELECT a.id, a.agent_user_id, a.connected_at, a.ended_at FROM callattempt a
WHERE a.agent_user_id IS NOT NULL AND a.connected_at IS NOT NULL AND {condition}
"""


class Bridge:
    def __init__(self, attempt_id: int, start: datetime, end: datetime | None) -> None:
        self.attempt_id, self.start, self.end = attempt_id, start, end

    def covers(self, moment: datetime) -> bool:
        return self.end is None or moment < self.end


def _bridges(day: Day) -> dict[int, list[Bridge]]:
    condition, params = day.where_since("a.created_at")
    logged = {c.attempt_id: c.ended_at for c in day.calls if c.attempt_id is not None}
    found: dict[int, list[Bridge]] = defaultdict(list)
    for row in fetch(day.conn, _BRIDGED.format(condition=condition), **params):
        attempt_id = int(row["id"])
        start = required_datetime(row["connected_at"])
        ends = [as_datetime(row["ended_at"]), logged.get(attempt_id)]
        end = min((e for e in ends if e is not None), default=None)
        found[int(row["agent_user_id"])].append(Bridge(attempt_id, start, end))
    return found


def _overlaps(bridges: list[Bridge]) -> list[tuple[Bridge, Bridge]]:
    """Each bridge that starts while the longest-running earlier one still holds the agent."""
    found: list[tuple[Bridge, Bridge]] = []
    ongoing: Bridge | None = None
    for bridge in sorted(bridges, key=lambda b: (b.start, b.attempt_id)):
        if ongoing is not None and ongoing.covers(bridge.start):
            found.append((ongoing, bridge))
        if ongoing is None or (ongoing.end is not None and not _ends_first(bridge, ongoing)):
            ongoing = bridge
    return found


def _ends_first(bridge: Bridge, other: Bridge) -> bool:
    return bridge.end is not None and other.end is not None and bridge.end <= other.end


def check(day: Day) -> RuleResult:
    breaches: list[Breach] = []
    examined = 0
    for agent, bridges in sorted(_bridges(day).items()):
        examined += len(bridges)
        for earlier, later in _overlaps(bridges):
            detail = (
                f"tentative {later.attempt_id} mise en relation à {later.start:%H:%M:%S} UTC "
                f"pendant la tentative {earlier.attempt_id}, en relation depuis "
                f"{earlier.start:%H:%M:%S} UTC et pas encore terminée"
            )
            breaches.append(Breach(RULE, f"agent {agent}", detail))
    return RuleResult(RULE, examined, breaches)
