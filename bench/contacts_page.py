"""Contact list benchmark: one page of a 1,000,000-contact campaign, p95 under 200 ms.

Builds the campaign once per database with set-based bulk inserts (a recursive
CTE on SQLite, ``generate_series`` on PostgreSQL; not the importer, to keep the
bench short), kept in var/bench/ for SQLite and in its own schema on PostgreSQL.
Then times ``list_contacts`` for the pages a manager opens: the first page, a
page deep in the list (keyset: as cheap as the first), a common and an absent
last name, a reference, rare and common filters, and the first page as the web
page serves it: with its 50 access-trail entries (rolled back) and its 50 « next
possible call » judged as the dialler would.

    .venv/bin/python bench/contacts_page.py --contacts 100000
    .venv/bin/python bench/contacts_page.py --database-url sqlite:///var/bench/c.sqlite3 --json
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, the repository root must be importable (``bench.*``, the packages).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import datetime  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from dialer.campaigns.contact_list import ContactQuery, list_contacts  # noqa: E402
from dialer.campaigns.models import Campaign  # noqa: E402
from dialer.campaigns.setup import create_campaign, create_fund  # noqa: E402
from dialer.compliance.privacy.trail import (  # noqa: E402
    AccessRead,
    Requester,
    TrailAction,
    record_accesses,
)
from dialer.contacts.territories import Territory  # noqa: E402
from dialer.contacts.themes.base import Audience  # noqa: E402
from dialer.core.db import make_engine, session_scope  # noqa: E402
from dialer.engine.explain import explain_page  # noqa: E402
from dialer.operations import migrate  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 3, 10, 10, 30)
DATA_VERSION = 1
NAMES = 5000  # distinct synthetic last names: ~200 people each; MARTIN is 1 in 100

# n is the row number: person n is contact n. Territory: 1% Mayotte, 5% La Réunion.
_COLUMNS = {
    "last_name": "CASE WHEN n % 100 = 7 THEN 'MARTIN' ELSE 'NOM' || (n % {names}) END",
    "territory": "CASE WHEN n % 100 = 0 THEN 'mayotte' WHEN n % 20 = 1 THEN 'reunion' "
    "ELSE 'metro' END",
    # 0.1 % being called, 20 % done, the rest to call.
    "status": "CASE WHEN n % 1000 = 5 THEN 'in_progress' WHEN n % 10 < 2 THEN 'done' "
    "ELSE 'pending' END",
    "last_result": "CASE WHEN n % 3 = 0 THEN NULL WHEN n % 3 = 1 THEN 'no_answer' "
    "WHEN n % 500 = 2 THEN 'invalid_number' ELSE 'busy' END",
}


def campaign_code(contacts: int) -> str:
    return f"BENCH-LIST-{DATA_VERSION}-{contacts}"


def _numbers(dialect: str, count: int) -> tuple[str, str]:
    """A row source of n = 1..count: (prefix, FROM clause)."""
    if dialect == "postgresql":
        return "", f"FROM generate_series(1, {count}) AS s(n)"
    prefix = f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
    return prefix, "FROM s"


def _insert_people(engine: Engine, count: int, fund_id: int, offset: int) -> None:
    prefix, source = _numbers(engine.dialect.name, count)
    last_name = _COLUMNS["last_name"].format(names=NAMES)
    statement = (
        "INSERT INTO person (id, audience, identity_key, fund_id, last_name, first_name, "
        "territory, time_zone, limited, created_at, updated_at, last_activity_at) "
        f"{prefix}SELECT n + {offset}, 'insured', 'bench-list-' || n, {fund_id}, {last_name}, "
        f"'Prénom', {_COLUMNS['territory']}, 'Europe/Paris', false, :now, :now, :now {source}"
    )
    with engine.begin() as conn:
        conn.execute(text(statement), {"now": NOW})


def _insert_contacts(engine: Engine, count: int, campaign_id: int, offset: int) -> None:
    prefix, source = _numbers(engine.dialect.name, count)
    statement = (
        "INSERT INTO campaigncontact (id, campaign_id, person_id, row_ref, theme_data, status, "
        "attempts, retry_counts, last_result, created_at, updated_at) "
        f"{prefix}SELECT n + {offset}, {campaign_id}, n + {offset}, 'R' || n, '{{}}', "
        f"{_COLUMNS['status']}, n % 4, '{{}}', {_COLUMNS['last_result']}, :now, :now {source}"
    )
    with engine.begin() as conn:
        conn.execute(text(statement), {"now": NOW})


def _existing(engine: Engine, contacts: int) -> int | None:
    with Session(engine) as session:
        found = session.exec(select(Campaign).where(Campaign.code == campaign_code(contacts)))
        campaign = found.first()
        return campaign.id if campaign else None


def build(engine: Engine, contacts: int) -> int:
    """The campaign id of the data set, built unless already there."""
    migrate.upgrade(engine)
    campaign_id = _existing(engine, contacts)
    if campaign_id is not None:
        return campaign_id
    with session_scope(engine) as session:
        fund = create_fund(session, f"BL{contacts}", "CPAM de banc d'essai", Territory.METRO)
        campaign = create_campaign(
            session, campaign_code(contacts), "Banc d'essai", "flu_vaccination", fund,
            "+33142000000",
        )  # fmt: skip
        fund_id, campaign_id = fund.id or 0, campaign.id or 0
    with engine.connect() as conn:
        offset = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM person")).scalar_one())
        offset = max(offset, int(conn.execute(
            text("SELECT coalesce(max(id), 0) FROM campaigncontact")
        ).scalar_one()))  # fmt: skip
    started = time.perf_counter()
    _insert_people(engine, contacts, fund_id, offset)
    _insert_contacts(engine, contacts, campaign_id, offset)
    _analyse(engine)
    print(f"built {contacts} contacts in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return campaign_id


def _analyse(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("person", "campaigncontact"):
            conn.execute(text(f"ANALYZE {table}"))
            if engine.dialect.name == "postgresql":
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": pick(0.95),
        "max_ms": pick(1.0),
    }


def _time(action: Callable[[], int], runs: int) -> dict[str, Any]:
    action()  # warms the caches and the pool
    samples: list[float] = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = action()
        samples.append(time.perf_counter() - started)
    return {**_figures(samples), "rows": rows, "runs": runs}


def cases(campaign_id: int, contacts: int) -> dict[str, ContactQuery]:
    def query(**filters: Any) -> ContactQuery:
        return ContactQuery(campaign_id=campaign_id, audience=Audience.INSURED, **filters)

    first = _first_contact_id
    return {
        "first page": query(),
        "deep page (90 %)": query(after=first + contacts * 9 // 10),
        "name, 200 people": query(search="nom1234"),
        "name, 10,000 people": query(search="Martin"),
        "name, nobody": query(search="Personne"),
        "reference": query(search=f"R{contacts // 2}"),
        "status in progress (0.1 %)": query(status="in_progress"),
        "territory Mayotte (1 %)": query(territory="mayotte"),
        "last result invalid (0.07 %)": query(last_result="invalid_number"),
        "done + never called": query(status="done", last_result="none"),
        "Mayotte + deep page": query(territory="mayotte", after=first + contacts * 9 // 10),
        "territory nobody lives in": query(territory="guyane"),
    }


_first_contact_id = 0


def _page(engine: Engine, query: ContactQuery) -> Callable[[], int]:
    def once() -> int:
        with Session(engine) as session:
            return len(list_contacts(session, query).rows)

    return once


def _page_with_trail(engine: Engine, query: ContactQuery) -> Callable[[], int]:
    who = Requester("bench", "manager", "127.0.0.1")

    def once() -> int:
        with Session(engine) as session:
            page = list_contacts(session, query)
            fields = tuple(page.person_fields(Audience.INSURED))
            reads = [AccessRead(row.person_id, fields) for row in page.rows]
            record_accesses(
                session, who, TrailAction.SEARCH, reads, campaign_id=query.campaign_id,
                detail="liste des contacts de la campagne",
            )  # fmt: skip
            session.rollback()
            explain_page(session, query.campaign_id, [row.contact_id for row in page.rows], NOW)
            return len(page.rows)

    return once


def _engine_for(url: str, contacts: int) -> Engine:
    if not url.startswith("postgresql"):
        Path("var/bench").mkdir(parents=True, exist_ok=True)
        return make_engine(url)
    schema = f"bench_contacts_{contacts}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")


def run(url: str, contacts: int, runs: int) -> dict[str, Any]:
    global _first_contact_id
    engine = _engine_for(url, contacts)
    try:
        campaign_id = build(engine, contacts)
        with engine.connect() as conn:
            _first_contact_id = int(conn.execute(
                text("SELECT min(id) FROM campaigncontact WHERE campaign_id = :c"),
                {"c": campaign_id},
            ).scalar_one())  # fmt: skip
        chosen = cases(campaign_id, contacts)
        figures = {name: _time(_page(engine, query), runs) for name, query in chosen.items()}
        figures["page + trail + next calls"] = _time(
            _page_with_trail(engine, chosen["first page"]), max(5, runs // 4)
        )
        return {"database": engine.dialect.name, "contacts": contacts, "cases": figures}
    finally:
        engine.dispose()


def arguments(argv: Sequence[str] | None, doc: str | None, runs: int) -> argparse.Namespace:
    """The options of the benchmarks on this bench's 1M-contact campaign (reports.py too)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    default = "default: a SQLite file under var/bench/ and " + PG_URL
    parser.add_argument("--database-url", action="append", dest="urls", help=default)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(argv, __doc__, runs=40)
    urls = args.urls or [f"sqlite:///var/bench/contacts-{args.contacts}.sqlite3", PG_URL]
    load = [round(value, 2) for value in os.getloadavg()]
    results = [run(url, args.contacts, args.runs) for url in urls]
    if args.json:
        print(json.dumps({"benchmark": "contacts_page", "load": load, "results": results}))
        return
    print(f"load average (1, 5, 15 min) at start: {load}; target p95 < 200 ms")
    for result in results:
        for name, f in result["cases"].items():
            head = f"{result['database']:<10} {result['contacts']:>9} contacts  {name:<30}"
            print(f"{head} median {f['median_ms']} ms, p95 {f['p95_ms']} ms, "
                  f"max {f['max_ms']} ms ({f['rows']} rows, {f['runs']} runs)")  # fmt: skip


if __name__ == "__main__":
    main()
