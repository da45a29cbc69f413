"""``check_day``: every rule over one consistent read of the database and the dial log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from checker.day import Day, load_day
from checker.db import as_datetime
from checker.dial_log import read_dial_log
from checker.report import CheckReport, RuleResult
from checker.rules import (
    agents,
    consent,
    feed,
    limits,
    need_to_know,
    overlap,
    stale,
    traceability,
    unfinished,
    windows,
)

RULES: tuple[Callable[[Day], RuleResult], ...] = (
    windows.check,
    consent.check,
    limits.check,
    overlap.check,
    unfinished.check,
    traceability.check,
    feed.check,
    need_to_know.check,
    agents.check,
    stale.check,
)


@contextmanager
def _snapshot(database_url: str) -> Iterator[Connection]:
    """One read-only transaction, so every rule sees the same state of the database."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
    finally:
        engine.dispose()


def check_day(
    database_url: str, dial_log_path: Path, *, since: datetime | None = None
) -> CheckReport:
    """Check the day's invariants; ``since`` (UTC) keeps only the period from then on.

    Raises FileNotFoundError when the dial log is missing: no log is not a clean day.
    """
    log = read_dial_log(Path(dial_log_path))
    report = CheckReport()
    report.add(RuleResult("dial_log", log.lines, list(log.problems)))
    with _snapshot(database_url) as conn:
        day = load_day(conn, log, as_datetime(since))
        for rule in RULES:
            report.add(rule(day))
    return report
