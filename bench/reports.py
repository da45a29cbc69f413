"""Reports benchmark: a month of a 1,000,000-contact campaign computed in under 2 s.

Reuses the contact list benchmark's campaign (``bench/contacts_page.py``: same
database file and schema) and adds a month of calls with set-based bulk inserts:
1.5 attempts per contact spread over November 2026 (30 % answered by one of 50
agents, 10 % abandoned, the rest busy, unanswered or machines) and an outcome per
answered call. Then times ``campaign_report`` for a day, a week and the month, and
``fund_report`` for the month.

    .venv/bin/python bench/reports.py --contacts 100000
    .venv/bin/python bench/reports.py --database-url sqlite:///var/bench/c.sqlite3 --json
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import date, datetime  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bench.contacts_page import PG_URL, _engine_for, arguments, build  # noqa: E402
from dialer.accounts.models import User  # noqa: E402
from dialer.campaigns.models import Campaign  # noqa: E402
from dialer.contacts.funds import Fund  # noqa: E402
from dialer.engine.reports import campaign_report, choose_period, fund_report  # noqa: E402

WORKER = "bench-report"
MONTH_START = datetime(2026, 10, 31, 23)  # 1 November 2026, midnight in Paris
MONTH_SECONDS = 30 * 86400
AGENTS = 50
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 9)  # the whole month is settled


def _agents(engine: Engine) -> list[int]:
    with Session(engine) as session:
        for n in range(AGENTS):
            name = f"bench-agent-{n:02d}"
            if session.exec(select(User).where(User.username == name)).first() is None:
                session.add(User(username=name, full_name=f"Agent de banc {n:02d}",
                                 role="agent", password_hash="-"))  # fmt: skip
        session.commit()
        users = session.exec(
            select(User).where(col(User.username).startswith("bench-agent-")).order_by(col(User.id))
        ).all()
        return [user.id or 0 for user in users]


def _time_expr(dialect: str, seconds: str) -> str:
    if dialect == "postgresql":
        return f"(:start + ({seconds}) * interval '1 second')"
    return f"strftime('%Y-%m-%d %H:%M:%S.000000', :start, '+' || ({seconds}) || ' seconds')"


def _insert_attempts(engine: Engine, campaign_id: int, contacts: int, agents: list[int]) -> None:
    dialect = engine.dialect.name
    count = contacts * 3 // 2
    step = MONTH_SECONDS / count
    with engine.connect() as conn:
        first = int(conn.execute(
            text("SELECT min(id) FROM campaigncontact WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar_one())  # fmt: skip
    if dialect == "postgresql":
        prefix, source = "", f"FROM generate_series(1, {count}) AS s(n)"
    else:
        prefix = (
            f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
        )
        source = "FROM s"
    at = _time_expr(dialect, f"n * {step:.6f}")
    ended = _time_expr(dialect, f"n * {step:.6f} + 120")
    result = (
        "CASE WHEN n % 10 < 3 THEN 'answered' WHEN n % 10 = 3 THEN 'abandoned' "
        "WHEN n % 10 < 7 THEN 'no_answer' WHEN n % 10 < 9 THEN 'busy' ELSE 'machine' END"
    )
    # Created together, the bench's agents have consecutive ids.
    assert agents == list(range(agents[0], agents[0] + len(agents))), agents
    agent = f"CASE WHEN n % 10 < 3 THEN {agents[0]} + ((n / 10) % {len(agents)}) END"
    answered = f"CASE WHEN n % 10 < 4 OR n % 10 = 9 THEN {at} END"
    connected = f"CASE WHEN n % 10 < 3 THEN {at} END"
    ended_at = f"CASE WHEN n % 10 < 3 THEN {ended} ELSE {at} END"
    contact = f"{first} + (n % {contacts})"
    statement = (
        "INSERT INTO callattempt (campaign_id, contact_id, person_id, worker_id, number_e164, "
        "agent_user_id, state, result, created_at, answered_at, connected_at, ended_at) "
        f"{prefix}SELECT {campaign_id}, {contact}, {contact}, '{WORKER}', '+33600000000', "
        f"{agent}, 'ended', {result}, {at}, {answered}, {connected}, {ended_at} {source}"
    )
    with engine.begin() as conn:
        conn.execute(text(statement), {"start": MONTH_START})


def _insert_outcomes(engine: Engine) -> None:
    dialect = engine.dialect.name
    later = (
        "ended_at + interval '20 seconds'" if dialect == "postgresql"
        else "strftime('%Y-%m-%d %H:%M:%S.000000', ended_at, '+20 seconds')"
    )  # fmt: skip
    callback = (
        "ended_at + interval '2 days'" if dialect == "postgresql"
        else "strftime('%Y-%m-%d %H:%M:%S.000000', ended_at, '+2 days')"
    )  # fmt: skip
    empty, opt_out = "'{}'", '\'{"phone": "opt_out"}\''
    if dialect == "postgresql":
        empty, opt_out = f"CAST({empty} AS json)", f"CAST({opt_out} AS json)"
    statement = (
        "INSERT INTO outcome (attempt_id, contact_id, campaign_id, person_id, agent_user_id, "
        "interview, offer, wrong_person, contact_changes, consent_changes, callback_at, "
        "created_at) SELECT id, contact_id, campaign_id, person_id, agent_user_id, "
        "CASE WHEN id % 5 = 0 THEN 'refused' ELSE 'accepted' END, "
        "CASE WHEN id % 5 = 0 THEN NULL WHEN id % 3 = 0 THEN 'refused' ELSE 'accepted' END, "
        f"false, {empty}, CASE WHEN id % 50 = 0 THEN {opt_out} ELSE {empty} END, "
        f"CASE WHEN id % 7 = 0 THEN {callback} END, {later} "
        f"FROM callattempt WHERE worker_id = '{WORKER}' AND result = 'answered'"
    )
    with engine.begin() as conn:
        conn.execute(text(statement))


def _forget(engine: Engine, campaign_id: int) -> None:
    """Drops a half-built month (and its rollup) before building it again."""
    with engine.begin() as conn:
        for table in ("reportwatermark", "reportagenthour", "reporthour"):
            conn.execute(text(f"DELETE FROM {table} WHERE campaign_id = :c"), {"c": campaign_id})
        conn.execute(
            text("DELETE FROM outcome WHERE attempt_id IN "
                 "(SELECT id FROM callattempt WHERE worker_id = :w)"), {"w": WORKER}
        )  # fmt: skip
        conn.execute(text("DELETE FROM callattempt WHERE worker_id = :w"), {"w": WORKER})


def _forget_rollup(engine: Engine, campaign_id: int) -> None:
    with engine.begin() as conn:
        for table in ("reportwatermark", "reportagenthour", "reporthour"):
            conn.execute(text(f"DELETE FROM {table} WHERE campaign_id = :c"), {"c": campaign_id})


def build_calls(engine: Engine, contacts: int) -> int:
    campaign_id = build(engine, contacts)
    with engine.connect() as conn:
        done = conn.execute(
            text("SELECT 1 FROM outcome o JOIN callattempt a ON a.id = o.attempt_id "
                 "WHERE a.worker_id = :w LIMIT 1"), {"w": WORKER}
        ).first()  # fmt: skip
    if done is None:
        _forget(engine, campaign_id)
        started = time.perf_counter()
        agents = _agents(engine)
        _insert_attempts(engine, campaign_id, contacts, agents)
        _insert_outcomes(engine)
        with engine.begin() as conn:
            for table in ("callattempt", "outcome"):
                conn.execute(text(f"ANALYZE {table}"))
        print(f"built a month of calls in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return campaign_id


def _time(action: Callable[[], Any], runs: int) -> dict[str, Any]:
    action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "runs": runs,
    }


def run(url: str, contacts: int, runs: int) -> dict[str, Any]:
    engine = _engine_for(url, contacts)
    try:
        campaign_id = build_calls(engine, contacts)
        periods = {
            "day": choose_period("jour", "2026-11-17", "", "", TODAY),
            "week": choose_period("semaine", "2026-11-17", "", "", TODAY),
            "month": choose_period("periode", "", "2026-11-01", "2026-11-30", TODAY),
        }
        figures: dict[str, Any] = {}
        _forget_rollup(engine, campaign_id)
        with Session(engine) as session:
            campaign = session.get(Campaign, campaign_id)
            assert campaign is not None
            started = time.perf_counter()
            campaign_report(session, campaign, periods["month"], NOW)
            figures["first read: rolls the month up"] = {
                "median_ms": round((time.perf_counter() - started) * 1000, 1),
                "max_ms": round((time.perf_counter() - started) * 1000, 1),
                "runs": 1,
            }
        with Session(engine) as session:
            campaign = session.get(Campaign, campaign_id)
            assert campaign is not None
            fund = session.get(Fund, campaign.fund_id)
            assert fund is not None
            for name, period in periods.items():
                figures[f"campaign {name}"] = _time(
                    lambda p=period: campaign_report(session, campaign, p, NOW), runs
                )
            figures["fund month"] = _time(
                lambda: fund_report(session, fund, periods["month"], NOW), runs
            )
            month = campaign_report(session, campaign, periods["month"], NOW)
        totals = {
            "attempts": month.totals.attempts,
            "people_first_reached": month.totals.first_reached,
            "outcomes": month.totals.interviews_accepted + month.totals.interviews_refused,
            "hours": len(month.hours),
            "agents": len(month.agents),
        }
        return {"database": engine.dialect.name, "contacts": contacts, "month": totals,
                "cases": figures}  # fmt: skip
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(argv, __doc__, runs=5)
    urls = args.urls or [f"sqlite:///var/bench/contacts-{args.contacts}.sqlite3", PG_URL]
    load = [round(value, 2) for value in os.getloadavg()]
    results = [run(url, args.contacts, args.runs) for url in urls]
    if args.json:
        print(json.dumps({"benchmark": "reports", "load": load, "results": results}))
        return
    print(f"load average (1, 5, 15 min) at start: {load}; target < 2000 ms for a month")
    for result in results:
        print(f"{result['database']}: {result['contacts']} contacts, month {result['month']}")
        for name, f in result["cases"].items():
            print(f"  {name:<32} median {f['median_ms']} ms, max {f['max_ms']} ms "
                  f"({f['runs']} runs)")  # fmt: skip


if __name__ == "__main__":
    main()
