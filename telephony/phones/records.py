"""What a phone remembers about its calls, shared safely between threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

Clock = Callable[[], float]


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    called: str
    caller: str
    started_at: float  # when the phone saw the INVITE (monotonic clock)
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: str = ""  # e.g. "answered", "refused", "ignored"
    heard_sound: bool = False  # the far end's audio reached this phone

    @property
    def duration_s(self) -> float:
        """Seconds from answer to end; 0 for a call never answered or still up."""
        if self.answered_at is None or self.ended_at is None:
            return 0.0
        return self.ended_at - self.answered_at


class CallLog:
    """Records in arrival order; tests wait on it instead of sleeping."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._records: dict[str, CallRecord] = {}
        self._changed = threading.Condition()

    def begin(self, call_id: str, called: str, caller: str) -> None:
        with self._changed:
            self._records[call_id] = CallRecord(call_id, called, caller, self.clock())
            self._changed.notify_all()

    def answered(self, call_id: str) -> None:
        at = self.clock()
        self._update(call_id, lambda r: replace(r, answered_at=at))

    def end(self, call_id: str, outcome: str, heard_sound: bool = False) -> None:
        at = self.clock()
        self._update(
            call_id, lambda r: replace(r, ended_at=at, outcome=outcome, heard_sound=heard_sound)
        )

    def records(self) -> list[CallRecord]:
        with self._changed:
            return list(self._records.values())

    def ended(self) -> list[CallRecord]:
        return [r for r in self.records() if r.ended_at is not None]

    def wait_for_ended(self, count: int, timeout_s: float) -> list[CallRecord]:
        """Block until ``count`` calls have ended (or the timeout passes)."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                done = [r for r in self._records.values() if r.ended_at is not None]
                remaining = deadline - time.monotonic()
                if len(done) >= count or remaining <= 0:
                    return done
                self._changed.wait(remaining)

    def _update(self, call_id: str, change: Callable[[CallRecord], CallRecord]) -> None:
        with self._changed:
            record = self._records.get(call_id)
            if record is not None:
                self._records[call_id] = change(record)
                self._changed.notify_all()
