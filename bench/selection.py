"""Selection benchmark: the next 100 callable people of a 1,000,000-person campaign.

Builds the campaign once per database (bulk inserts, kept in var/bench/ for
SQLite and in its own schema on PostgreSQL), then times ``select_candidates``
(the hot path of every dialler tick) and, separately, ``claim_contacts``, whose
leases are given back afterwards so the data set stays as built.

    .venv/bin/python bench/selection.py --people 100000
    .venv/bin/python bench/selection.py --database-url sqlite:///var/bench/x.sqlite3 --json
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
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import text, update  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from dialer.campaigns.models import Campaign  # noqa: E402
from dialer.campaigns.selection import claim_contacts, select_candidates  # noqa: E402
from dialer.campaigns.setup import create_campaign, create_fund  # noqa: E402
from dialer.contacts.people.models import CampaignContact  # noqa: E402
from dialer.contacts.territories import TERRITORIES, Territory  # noqa: E402
from dialer.core.db import make_engine, session_scope  # noqa: E402
from dialer.operations import migrate  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Tuesday 10 March 2026, 11:30 in Paris: every territory but the Antilles and Guyane
# (still before 10:00) is inside its calling window.
NOW = datetime(2026, 3, 10, 10, 30)
DATA_VERSION = 1
BATCH = 20_000
WEIGHTS = {
    Territory.METRO: 80, Territory.CORSICA: 1, Territory.MOSELLE: 2, Territory.ALSACE: 3,
    Territory.GUADELOUPE: 3, Territory.MARTINIQUE: 3, Territory.GUYANE: 2,
    Territory.REUNION: 5, Territory.MAYOTTE: 1,
}  # fmt: skip
PREFIX = {"FR": "+336", "GP": "+590690", "MQ": "+596696", "GF": "+594694", "RE": "+262692",
          "YT": "+262639"}  # fmt: skip


def campaign_code(people: int) -> str:
    return f"BENCH-SEL-{DATA_VERSION}-{people}"


def _stamp(value: datetime | None, sqlite: bool) -> Any:
    # SQLAlchemy stores SQLite datetimes as this exact text and compares them as text.
    if value is None or not sqlite:
        return value
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _person_rows(people: int, fund_id: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    territories = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    for n in range(1, people + 1):
        territory = rng.choices(territories, weights)[0]
        details = TERRITORIES[territory]
        phone = f"{PREFIX[details.phone_region]}{n:08d}"[:12]
        limited = rng.random() < 0.002
        yield (n, "insured", f"bench-{n}", fund_id, phone, territory.value, details.time_zone,
               limited, NOW, NOW, NOW)  # fmt: skip


def _contact_state(rng: random.Random) -> tuple[Any, ...]:
    """status, done_reason, attempts, next_attempt_at, callback_at, last_result."""
    roll = rng.random()
    if roll < 0.70:
        return ("pending", None, 0, None, None, None)
    if roll < 0.80:
        reason = rng.choice(("offer_accepted", "offer_refused", "interview_refused"))
        return ("done", reason, rng.randint(1, 3), None, None, "answered")
    attempts = rng.randint(1, 4)
    if roll < 0.81:
        return ("pending", None, attempts, None, NOW + timedelta(hours=rng.uniform(-6, 30)),
                "answered")  # fmt: skip
    delay = timedelta(minutes=rng.uniform(-3000, 3000))  # about half are due now
    return ("pending", None, attempts, NOW + delay, None, rng.choice(("busy", "no_answer")))


def _contact_rows(
    people: int, campaign_id: int, rng: random.Random, sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    for n in range(1, people + 1):
        status, reason, attempts, next_at, callback, last = _contact_state(rng)
        expiry = (NOW + timedelta(days=rng.randint(-20, 300))).date().isoformat()
        yield (n, campaign_id, n, f"R{n}", json.dumps({"ebd_cover_end": expiry}), status,
               reason, attempts, "{}", _stamp(next_at, sqlite), _stamp(callback, sqlite),
               last, _stamp(NOW, sqlite), _stamp(NOW, sqlite))  # fmt: skip


def _consent_rows(people: int, rng: random.Random, sqlite: bool) -> Iterator[tuple[Any, ...]]:
    # 3% opted out of calls; 1% more opted out then back in (a later opt-in wins).
    for person in rng.sample(range(1, people + 1), k=people * 4 // 100):
        at = NOW - timedelta(days=rng.randint(2, 400))
        yield (person, "call", "opt_out", "fund_file", "bench", _stamp(at, sqlite))
        if rng.random() < 0.25:
            yield (person, "call", "opt_in", "manager", "bench", _stamp(at + timedelta(1), sqlite))


def _reached_rows(
    people: int, campaign_id: int, rng: random.Random, sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    # 5% of people were reached 1-4 times in the last 30 days (a fifth of them: 4 times).
    for person in rng.sample(range(1, people + 1), k=people // 20):
        for _ in range(4 if rng.random() < 0.2 else rng.randint(1, 3)):
            at = _stamp(NOW - timedelta(days=rng.uniform(0.5, 29)), sqlite)
            yield (campaign_id, person, person, "bench", "+33600000000", "ended", "answered",
                   at, at)  # fmt: skip


def _refusal_rows(
    people: int, campaign_id: int, rng: random.Random, sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    for person in rng.sample(range(1, people + 1), k=people // 100):
        at = _stamp(NOW - timedelta(days=rng.randint(1, 120)), sqlite)
        yield (person, campaign_id, person, "refused", False, "{}", "{}", at)


TABLES: dict[str, Sequence[str]] = {
    "person": ("id", "audience", "identity_key", "fund_id", "phone_e164", "territory",
               "time_zone", "limited", "created_at", "updated_at", "last_activity_at"),
    "campaigncontact": ("id", "campaign_id", "person_id", "row_ref", "theme_data", "status",
                        "done_reason", "attempts", "retry_counts", "next_attempt_at",
                        "callback_at", "last_result", "created_at", "updated_at"),
    "consententry": ("person_id", "channel", "decision", "source", "author", "at"),
    "callattempt": ("campaign_id", "contact_id", "person_id", "worker_id", "number_e164",
                    "state", "result", "created_at", "answered_at"),
    "outcome": ("contact_id", "campaign_id", "person_id", "interview", "wrong_person",
                "contact_changes", "consent_changes", "created_at"),
}  # fmt: skip


def _bulk(engine: Engine, table: str, rows: Iterator[tuple[Any, ...]]) -> None:
    columns = TABLES[table]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(statement, batch)
                    batch.clear()
            cursor.executemany(statement, batch)
        raw.commit()
    finally:
        raw.close()


def _existing(engine: Engine, people: int) -> int | None:
    with Session(engine) as session:
        found = session.exec(select(Campaign).where(Campaign.code == campaign_code(people)))
        campaign = found.first()
        return campaign.id if campaign else None


def build(engine: Engine, people: int, seed: int = 7) -> int:
    """The campaign id of the benchmark data set, built unless already there."""
    migrate.upgrade(engine)
    campaign_id = _existing(engine, people)
    if campaign_id is not None:
        return campaign_id
    rng = random.Random(seed)
    sqlite = engine.dialect.name == "sqlite"
    with session_scope(engine) as session:
        fund = create_fund(session, f"BENCH{people}", "CPAM de banc d'essai", Territory.METRO)
        campaign = create_campaign(
            session, campaign_code(people), "Banc d'essai", "child_dental", fund, "+33142000000"
        )
        fund_id, campaign_id = fund.id or 0, campaign.id or 0
    started = time.perf_counter()
    _bulk(engine, "person", _person_rows(people, fund_id, rng))
    _bulk(engine, "campaigncontact", _contact_rows(people, campaign_id, rng, sqlite))
    _bulk(engine, "consententry", _consent_rows(people, rng, sqlite))
    _bulk(engine, "callattempt", _reached_rows(people, campaign_id, rng, sqlite))
    _bulk(engine, "outcome", _refusal_rows(people, campaign_id, rng, sqlite))
    _analyse(engine)
    print(f"built {people} people in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return campaign_id


def _analyse(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in TABLES:  # only ours: a bare ANALYZE on PostgreSQL visits every schema
            conn.execute(text(f"ANALYZE {table}"))
        if engine.dialect.name == "postgresql":
            # Sequences lag behind the ids COPY wrote explicitly.
            for table in ("person", "campaigncontact"):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )


def _figures(samples: list[float], prefix: str = "") -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        f"{prefix}median_ms": round(statistics.median(ordered) * 1000, 2),
        f"{prefix}p95_ms": pick(0.95),
        f"{prefix}p99_ms": pick(0.99),
        f"{prefix}max_ms": pick(1.0),
    }


def _time(action: Callable[[], int], runs: int) -> tuple[dict[str, float], int]:
    """Wall-clock figures, and the same for this thread's CPU time (``cpu_`` keys).

    The CPU figures leave out time spent waiting, for the database server or for
    a core when other processes share the machine; on SQLite, which runs inside
    this process, they are the cost of the selection itself.
    """
    wall: list[float] = []
    cpu: list[float] = []
    got = 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        got = action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return {**_figures(wall), **_figures(cpu, "cpu_"), "runs": runs}, got


def measure_select(engine: Engine, campaign_id: int, runs: int, count: int) -> dict[str, Any]:
    def once() -> int:
        with engine.connect() as conn:
            return len(select_candidates(conn, campaign_id, count, NOW))

    once()  # warms the caches (holidays calendars, pool, statement cache)
    figures, got = _time(once, runs)
    return {**figures, "selected": got}


def measure_claim(engine: Engine, campaign_id: int, runs: int, count: int) -> dict[str, Any]:
    worker = "bench-claim"

    def once() -> int:
        return len(claim_contacts(engine, campaign_id, worker, count, NOW))

    try:
        figures, got = _time(once, runs)
    finally:
        _give_back(engine, worker)
    return {**figures, "claimed": got}


def _give_back(engine: Engine, worker: str) -> None:
    cc = CampaignContact
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM livecalllock WHERE worker_id = :w"), {"w": worker})
        conn.execute(text("DELETE FROM callattempt WHERE worker_id = :w"), {"w": worker})
        conn.execute(
            update(cc)
            .where(col(cc.lease_owner) == worker)
            .values(
                status="pending",
                lease_owner=None,
                lease_expires_at=None,
                attempts=col(cc.attempts) - 1,
                last_attempt_at=None,
            )
        )


def _engine_for(url: str, people: int) -> Engine:
    if not url.startswith("postgresql"):
        return make_engine(url)
    schema = f"bench_select_{people}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")


def run(url: str, people: int, runs: int, claim_runs: int, count: int) -> dict[str, Any]:
    engine = _engine_for(url, people)
    try:
        campaign_id = build(engine, people)
        return {
            "database": engine.dialect.name,
            "people": people,
            "count": count,
            "select": measure_select(engine, campaign_id, runs, count),
            "claim": measure_claim(engine, campaign_id, claim_runs, count),
        }
    finally:
        engine.dispose()


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default = "default: a SQLite file under var/bench/ and " + PG_URL
    parser.add_argument("--database-url", action="append", dest="urls", help=default)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--claim-runs", type=int, default=50)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args(argv)


def _line(result: dict[str, Any], kind: str) -> str:
    f = result[kind]
    head = f"{result['database']:<10} {result['people']:>9} people  {kind:<6} {result['count']}"
    wall = f"median {f['median_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms"
    cpu = f"client CPU median {f['cpu_median_ms']} ms, p99 {f['cpu_p99_ms']} ms"
    return f"{head}: {wall}, max {f['max_ms']} ms; {cpu} ({f['runs']} runs)"


def main(argv: Sequence[str] | None = None) -> None:
    args = _arguments(argv)
    urls = args.urls or [f"sqlite:///var/bench/select-{args.people}.sqlite3", PG_URL]
    results = [run(u, args.people, args.runs, args.claim_runs, args.count) for u in urls]
    if args.json:
        print(json.dumps({"benchmark": "select", "results": results}))
        return
    for result in results:
        for kind in ("select", "claim"):
            print(_line(result, kind))


if __name__ == "__main__":
    main()
