"""What every rule reads first: the day's dial-log calls and the attempts behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, RowMapping

from checker.db import as_bool, as_datetime, as_json, fetch, fetch_in, required_datetime
from checker.dial_log import DialCall, DialLog

_ATTEMPTS = """
SELECT a.id, a.person_id, a.campaign_id, a.created_at, a.result, a.answered_at,
       a.number_e164, p.time_zone, p.territory, p.limited, p.nir_lookup, c.calling_policy, c.theme
FROM callattempt a
JOIN person p ON p.id = a.person_id
JOIN campaign c ON c.id = a.campaign_id
"""


@dataclass(frozen=True)
class AttemptFacts:
    id: int
    person_id: int
    campaign_id: int
    created_at: datetime
    result: str | None
    answered_at: datetime | None
    number_e164: str
    time_zone: str
    territory: str
    limited: bool
    policy: dict[str, Any]
    theme: str
    nir_lookup: str | None = None  # shared by one insured person's rows in several funds


@dataclass
class Day:
    conn: Connection
    since: datetime | None
    log: DialLog
    calls: list[DialCall]  # the period's calls in the dial log
    attempts: dict[int, AttemptFacts] = field(default_factory=dict)  # the period's and the log's
    period_attempt_ids: set[int] = field(default_factory=set)

    def attempt_of(self, call: DialCall) -> AttemptFacts | None:
        attempt_id = call.attempt_id
        return self.attempts.get(attempt_id) if attempt_id is not None else None

    def person_ids(self) -> set[int]:
        """Everyone the period touched: called in the log or with an attempt of the period."""
        found = {self.attempts[i].person_id for i in self.period_attempt_ids}
        found.update(a.person_id for c in self.calls if (a := self.attempt_of(c)) is not None)
        return found

    def where_since(self, column: str) -> tuple[str, dict[str, Any]]:
        """A SQL condition keeping the period's rows, with its parameters."""
        if self.since is None:
            return "1 = 1", {}
        return f"{column} >= :since", {"since": self.since}


def _facts(row: RowMapping) -> AttemptFacts:
    policy = as_json(row["calling_policy"]) or {}
    return AttemptFacts(
        id=int(row["id"]),
        person_id=int(row["person_id"]),
        campaign_id=int(row["campaign_id"]),
        created_at=required_datetime(row["created_at"]),
        result=row["result"],
        answered_at=as_datetime(row["answered_at"]),
        number_e164=str(row["number_e164"]),
        time_zone=str(row["time_zone"]),
        territory=str(row["territory"]),
        limited=as_bool(row["limited"]),
        policy=dict(policy),
        theme=str(row["theme"]),
        nir_lookup=row["nir_lookup"],
    )


def load_day(conn: Connection, log: DialLog, since: datetime | None) -> Day:
    day = Day(conn=conn, since=since, log=log, calls=log.since(since))
    condition, params = day.where_since("a.created_at")
    for row in fetch(conn, f"{_ATTEMPTS} WHERE {condition}", **params):
        facts = _facts(row)
        day.attempts[facts.id] = facts
        day.period_attempt_ids.add(facts.id)
    named = {c.attempt_id for c in day.calls if c.attempt_id is not None} - set(day.attempts)
    for row in fetch_in(conn, f"{_ATTEMPTS} WHERE a.id IN :ids", named):
        facts = _facts(row)
        day.attempts[facts.id] = facts
    return day
