"""Agents' time by state in the reports: a month of state history, rolled up then read.

Builds a fresh SQLite database (or a PostgreSQL schema) with one campaign and 50
agents whose state changes through a month (November 2026): each working day,
each agent logs in, takes calls (reserved, on call, wrap-up, available: four
changes a call), pauses three times with a desk reason, and logs out. Then times:
the first month report (it rolls the whole month up, once), the month read again
(from the rollup), and the last hours counted live from the history.

    .venv/bin/python bench/agent_states.py [--calls-per-day 200] [--json]
    .venv/bin/python bench/agent_states.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import dialer.operations.schema  # noqa: E402, F401  (every table known to the metadata)
from dialer.accounts.models import User  # noqa: E402
from dialer.accounts.state_history import AgentStateChange  # noqa: E402
from dialer.campaigns.models import Campaign, CampaignAgent  # noqa: E402
from dialer.campaigns.setup import create_campaign, create_fund  # noqa: E402
from dialer.contacts.territories import Territory  # noqa: E402
from dialer.core.db import make_engine  # noqa: E402
from dialer.engine.reports import campaign_report, choose_period  # noqa: E402

AGENTS = 50
FIRST = date(2026, 11, 2)  # a Monday
DAYS = 30
NOW = datetime(2026, 12, 1, 9)  # the whole month is settled but its last hours
REASONS = ("Pause café", "Pause déjeuner", "Formation")


def _changes(user_id: int, campaign_id: int, calls: int) -> list[dict[str, Any]]:
    """One agent's month: four changes a call, three pauses a day, in and out."""
    rows: list[dict[str, Any]] = []
    for offset in range(DAYS):
        day = FIRST + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        at = datetime.combine(day, datetime.min.time()) + timedelta(hours=7, seconds=user_id)
        rows.append({"state": "paused", "since": at})
        step = (8 * 3600) / calls
        for n in range(calls):
            start = at + timedelta(seconds=60 + n * step)
            rows += [
                {"state": "available", "since": start},
                {"state": "reserved", "since": start + timedelta(seconds=step * 0.3)},
                {"state": "on_call", "since": start + timedelta(seconds=step * 0.35)},
                {"state": "wrap_up", "since": start + timedelta(seconds=step * 0.85)},
            ]
            if n % (calls // 3) == calls // 6:
                reason = REASONS[(n * 3) // calls % 3]
                pause = start + timedelta(seconds=step * 0.95)
                rows.append({"state": "paused", "since": pause, "pause_reason": reason})
        rows.append({"state": "logged_out", "since": at + timedelta(hours=8, minutes=30)})
    for row in rows:
        row.update(user_id=user_id, campaign_id=campaign_id)
        row.setdefault("pause_reason", None)
    return rows


def build(engine: Engine, calls: int) -> tuple[int, int]:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        fund = create_fund(session, "B-OCC", "CPAM de banc", Territory.METRO)
        campaign = create_campaign(session, "OCC", "Banc", "flu_vaccination", fund, "0140000000")
        users = [
            User(username=f"occ-{n:02d}", full_name=f"Agent {n:02d}", role="agent",
                 password_hash="-")
            for n in range(AGENTS)
        ]  # fmt: skip
        session.add_all(users)
        session.flush()
        for user in users:
            session.add(CampaignAgent(campaign_id=campaign.id, user_id=user.id, enabled_by="b"))
        session.commit()
        campaign_id, ids = campaign.id or 0, [user.id or 0 for user in users]
    total = 0
    with engine.begin() as conn:
        for user_id in ids:
            rows = _changes(user_id, campaign_id, calls)
            conn.execute(insert(AgentStateChange), rows)
            total += len(rows)
    return campaign_id, total


def _timed(run: Callable[[], Any], repeat: int) -> dict[str, float]:
    ordered = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        ordered.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "max_ms": round(max(ordered) * 1000, 1),
        "runs": repeat,
    }


def _report(engine: Engine, campaign_id: int, kind: str, day: str, start: str, end: str) -> Any:
    period = choose_period(kind, day, start, end, NOW.date())
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign_report(session, campaign, period, NOW)


def _engine(url: str) -> tuple[Engine, str]:
    if not url:
        path = Path(tempfile.mkdtemp(prefix="bench-occ-")) / "occ.sqlite3"
        return make_engine(f"sqlite:///{path}"), "sqlite"
    schema = f"bench_occ_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return make_engine(f"{url}{separator}options=-csearch_path%3D{schema}"), schema


def run(url: str, calls: int) -> dict[str, Any]:
    engine, where = _engine(url)
    started = time.perf_counter()
    campaign_id, changes = build(engine, calls)
    built = round(time.perf_counter() - started, 1)
    month = ("periode", "", "2026-11-01", "2026-11-30")
    figures: dict[str, Any] = {
        "database": engine.dialect.name,
        "changes": changes,
        "agents": AGENTS,
        "build_s": built,
        # The first read of the month rolls it up: paid once (the hourly job pays it in life).
        "month_first_read_with_rollup": _timed(lambda: _report(engine, campaign_id, *month), 1),
        "month_from_rollup": _timed(lambda: _report(engine, campaign_id, *month), 5),
        "day_from_rollup": _timed(
            lambda: _report(engine, campaign_id, "jour", "2026-11-27", "", ""), 5
        ),
    }
    line = _report(engine, campaign_id, *month).agents[0]
    figures["first_agent_occupancy"] = round(line.time.occupancy or 0.0, 3)
    if where != "sqlite":
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{where}" CASCADE'))
        admin.dispose()
    engine.dispose()
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite by default")
    parser.add_argument("--calls-per-day", type=int, default=200, help="per agent")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    load = [round(value, 2) for value in os.getloadavg()]
    figures = run(args.database_url, args.calls_per_day)
    figures["load_before"] = load
    figures["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"{figures['database']}: {figures['changes']} state changes, {AGENTS} agents, "
        f"built in {figures['build_s']} s (load before {load}, {figures['cpus']} CPUs)"
    )
    for name, value in figures.items():
        if isinstance(value, dict):
            print(f"  {name:<30} median {value['median_ms']} ms, max {value['max_ms']} ms "
                  f"({value['runs']} runs)")  # fmt: skip
    print(f"  occupancy of the first agent: {figures['first_agent_occupancy']}")


if __name__ == "__main__":
    main()
