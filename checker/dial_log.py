"""The PBX simulator's dial log: one ``dial`` line per accepted Originate, one ``end`` line.

Lines are paired by channel id, first dial with first end, as the PBX writes
them. A line that cannot be read is not skipped silently: it becomes a breach,
since a call the checker cannot see is a call it cannot vouch for.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.db import as_datetime
from checker.report import Breach


@dataclass
class DialCall:
    line: int
    at: datetime  # naive UTC, when the PBX accepted the Originate
    action_id: str
    channel_id: str
    number: str
    variables: dict[str, str]
    ended_at: datetime | None = None
    result: str | None = None
    cause: int | None = None

    @property
    def attempt_id(self) -> int | None:
        raw = self.variables.get("ATTEMPT_ID", "")
        return int(raw) if raw.isdigit() else None

    @property
    def label(self) -> str:
        return f"appel {self.channel_id} (ligne {self.line})"


@dataclass
class DialLog:
    calls: list[DialCall] = field(default_factory=list)
    problems: list[Breach] = field(default_factory=list)
    lines: int = 0

    def since(self, moment: datetime | None) -> list[DialCall]:
        if moment is None:
            return list(self.calls)
        return [call for call in self.calls if call.at >= moment]


def _problem(number: int, detail: str) -> Breach:
    return Breach("dial_log", f"ligne {number} du journal", detail)


def _dial(number: int, entry: dict[str, Any]) -> DialCall:
    at = as_datetime(entry["at"])
    if at is None:
        raise ValueError("horodatage absent")
    variables = entry.get("variables") or {}
    return DialCall(
        line=number,
        at=at,
        action_id=str(entry.get("action_id", "")),
        channel_id=str(entry["channel_id"]),
        number=str(entry.get("number", "")),
        variables={str(k): str(v) for k, v in dict(variables).items()},
    )


class _Reader:
    def __init__(self) -> None:
        self.log = DialLog()
        self.open: dict[str, deque[DialCall]] = defaultdict(deque)

    def feed(self, number: int, raw: str) -> None:
        self.log.lines = number
        if not raw.strip():
            return
        try:
            entry = json.loads(raw)
            kind = entry.get("kind")
            if kind == "dial":
                call = _dial(number, entry)
                self.log.calls.append(call)
                self.open[call.channel_id].append(call)
            elif kind == "end":
                self._end(number, entry)
            else:
                self.log.problems.append(_problem(number, f"type de ligne inconnu : {kind!r}"))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.log.problems.append(_problem(number, f"ligne illisible ({error})"))

    def _end(self, number: int, entry: dict[str, Any]) -> None:
        waiting = self.open.get(str(entry["channel_id"]))
        if not waiting:
            detail = f"fin d'appel sans composition pour le canal {entry['channel_id']}"
            self.log.problems.append(_problem(number, detail))
            return
        call = waiting.popleft()
        call.ended_at = as_datetime(entry.get("at"))
        call.result = entry.get("result")
        cause = entry.get("cause")
        call.cause = int(cause) if cause is not None else None


def read_dial_log(path: Path) -> DialLog:
    """Every call of the log; FileNotFoundError when there is no log at all."""
    reader = _Reader()
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            reader.feed(number, raw)
    return reader.log
