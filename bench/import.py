"""Contact-file import benchmark: rows per second and peak memory, SQLite and PostgreSQL.

    .venv/bin/python bench/import.py                 # 1,000,000 rows, both databases
    .venv/bin/python bench/import.py --rows 100000 --json

Generates a seeded, realistic fund file (about 2% bad rows of every kind), then
imports it into a fresh database in a child process per database, so each
figure of peak memory is the importer's own (file generation excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def generate(path: Path, rows: int, seed: int) -> dict[str, object]:
    from dialer.demo.contact_file import write_contact_file

    started = time.perf_counter()
    generated = write_contact_file(path, "child_dental", rows, seed=seed, bad_ratio=0.02)
    return {
        "rows": generated.rows,
        "bad_rows": generated.bad_rows,
        "size_mb": round(path.stat().st_size / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


def run_child(database_url: str, path: Path, workers: int) -> dict[str, object]:
    """Import in a fresh interpreter; returns its figures."""
    command = [sys.executable, __file__, "--child", database_url, str(path), str(workers)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def child(database_url: str, path: Path, workers: int) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    import dialer.operations.schema  # noqa: F401
    from dialer.campaigns.importing.pipeline import ImportOptions, import_contacts
    from dialer.campaigns.setup import create_campaign, create_fund
    from dialer.contacts.territories import Territory
    from dialer.core.crypto import DataCipher, KeyRing
    from dialer.core.db import make_engine, session_scope

    url, cleanup = _isolated(database_url)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as session:
        fund = create_fund(session, "CGSS974", "CGSS de La Réunion", Territory.REUNION)
        campaign_id = create_campaign(session, "EBD", "EBD", "child_dental", fund, "0162000000").id
    cipher = DataCipher(KeyRing.generate())
    started = time.perf_counter()
    summary, _ = import_contacts(
        engine, campaign_id or 0, path, cipher, ImportOptions(parse_workers=workers)
    )
    seconds = time.perf_counter() - started
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    engine.dispose()
    if cleanup:
        with make_engine(database_url).begin() as conn:
            conn.execute(text(cleanup))
    print(json.dumps({
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "rows": summary.rows,
        "stored": summary.stored,
        "rejected": summary.rejected_rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(summary.rows / seconds),
        "peak_memory_mb": round(peak_kb / 1024, 1),
        "parse_workers": workers,
    }))  # fmt: skip


def _isolated(database_url: str) -> tuple[str, str | None]:
    if database_url.startswith("sqlite"):
        return database_url, None
    from sqlalchemy import text

    from dialer.core.db import make_engine

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with make_engine(database_url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in database_url else "?"
    return (
        f"{database_url}{separator}options=-csearch_path%3D{schema}",
        f'DROP SCHEMA "{schema}" CASCADE',
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres-url", default=os.environ.get("DIALER_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="parsing processes (0 = serial)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fund-file.csv"
        file_figures = generate(path, args.rows, args.seed)
        targets = [f"sqlite:///{folder}/bench.sqlite3"]
        if not args.no_postgres:
            targets.append(args.postgres_url)
        results = [run_child(url, path, args.workers) for url in targets]
    report = {"file": file_figures, "imports": results, "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(report))
        return
    print(f"File: {file_figures['rows']} rows ({file_figures['bad_rows']} bad), "
          f"{file_figures['size_mb']} MB")  # fmt: skip
    for r in results:
        print(
            f"{r['database']:<10} {r['rows_per_second']:>8} rows/s  {r['seconds']:>7} s  "
            f"peak {r['peak_memory_mb']} MB  stored {r['stored']}  rejected {r['rejected']}"
        )


if __name__ == "__main__":
    main()
