"""Is the box's carrier trunk carrying calls? A circuit breaker on network failures (pure).

When the trunk is down every call fails at once (no route, no channel). Dialling
on would burn through the list at the pacing's rate and, before network failures
were told apart, closed contacts as invalid numbers. So after ``threshold``
network failures within ``window`` with nothing else in between, the worker
stops dialling on this box. After ``probe_after`` it lets one call through (the
probe): any result but a network failure says the trunk carries calls again and
dialling resumes; another network failure keeps it down and waits again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from telephony.results import CallResult

TRUNK_DOWN_FR = "le trunk opérateur ne répond pas"


class TrunkChange(StrEnum):
    DOWN = "down"
    UP = "up"


@dataclass
class TrunkHealth:
    threshold: int = 10
    window: timedelta = timedelta(seconds=60)
    probe_after: timedelta = timedelta(seconds=30)
    down_since: datetime | None = None
    probe_at: datetime | None = None
    probing: bool = False
    _failures: deque[datetime] = field(default_factory=deque)

    @property
    def down(self) -> bool:
        return self.down_since is not None

    @property
    def recent_failures(self) -> int:
        return len(self._failures)

    def record(self, result: CallResult | None, now: datetime) -> TrunkChange | None:
        """One ended call; the change of state it causes, if any."""
        if result is None:
            return None
        if result is not CallResult.NETWORK_FAILURE:
            # The network carried this call to the person (or their operator).
            self._failures.clear()
            self.probing = False
            if self.down_since is None:
                return None
            self.down_since = self.probe_at = None
            return TrunkChange.UP
        return self._failed(now)

    def _failed(self, now: datetime) -> TrunkChange | None:
        self._failures.append(now)
        while self._failures and now - self._failures[0] > self.window:
            self._failures.popleft()
        if self.down_since is not None:
            self.probing = False
            self.probe_at = now + self.probe_after
            return None
        if len(self._failures) < self.threshold:
            return None
        self.down_since, self.probe_at = now, now + self.probe_after
        return TrunkChange.DOWN

    def lines_allowed(self, now: datetime) -> int | None:
        """How many calls may start now: None when no limit, 1 for the probe, else 0."""
        if self.down_since is None:
            return None
        if self.probing or self.probe_at is None or now < self.probe_at:
            return 0
        return 1

    def probe_sent(self) -> None:
        self.probing = True
