"""Contact-file import benchmark: rows per second and peak memory, SQLite and PostgreSQL.

    .venv/bin/python bench/import.py                        # 1,000,000 rows, both, 3 runs
    .venv/bin/python bench/import.py --rows 100000 --runs 1 --databases sqlite --json

Generates a seeded, realistic fund file (about 2% bad rows of every kind), then
imports it into a fresh database in a child process per run, so each figure of
peak memory is the importer's own (file generation excluded). The machine is
shared, so every run carries the load average it met; the figure quoted is the
median of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASES = ("sqlite", "postgresql")
MEMORY_SAMPLES = 10  # resident memory noted at each tenth of the file


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


def run_child(database_url: str, path: Path, workers: int) -> dict[str, Any]:
    """Import in a fresh interpreter; returns its figures with the load it met."""
    command = [sys.executable, __file__, "--child", database_url, str(path), str(workers)]
    load_before = os.getloadavg()[0]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    figures = dict(json.loads(output.strip().splitlines()[-1]))
    figures["load_before"] = round(load_before, 2)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    return figures


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


# The service refuses files over 200 MB (DIALER_IMPORT_MAX_BYTES); a 10M-row file is 1.6 GB.
BENCH_MAX_BYTES = 4 * 1024**3


class MemoryTrace:
    """Resident memory at each tenth of the file: flat means it does not grow with it."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def __call__(self, tick: Any) -> None:
        if tick.phase != "import":  # the pre-scan counts bytes, not rows
            return
        step = max(1, tick.expected // MEMORY_SAMPLES)
        if tick.done >= step * (len(self.samples) + 1) and len(self.samples) < MEMORY_SAMPLES:
            self.samples.append(_resident_mb())


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
    trace = MemoryTrace()
    started = time.perf_counter()
    cpu_started = os.times()
    summary, _ = import_contacts(
        engine,
        campaign_id or 0,
        path,
        cipher,
        ImportOptions(parse_workers=workers, max_bytes=BENCH_MAX_BYTES),
        trace,
    )
    seconds = time.perf_counter() - started
    cpu = os.times()
    engine.dispose()
    if cleanup:
        with make_engine(database_url).begin() as conn:
            conn.execute(text(cleanup))
    print(json.dumps({
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "rows": summary.rows,
        "stored": summary.stored,
        "rejected": summary.rejected_rows,
        "accounted": summary.accounted,
        "seconds": round(seconds, 2),
        "rows_per_second": round(summary.rows / seconds),
        "cpu_seconds_importer": round(_cpu(cpu) - _cpu(cpu_started), 1),
        "cpu_seconds_helpers": round(cpu.children_user + cpu.children_system, 1),
        "peak_memory_mb": _peak_mb(resource.RUSAGE_SELF),
        "helper_peak_memory_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "resident_mb_by_tenth": trace.samples,
        "parse_workers": workers,
    }))  # fmt: skip


def _cpu(times: os.times_result) -> float:
    return times.user + times.system


def _peak_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


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


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median run by speed, with the median and the spread of the figures."""
    speeds = sorted(runs, key=lambda r: float(str(r["rows_per_second"])))
    middle = speeds[len(speeds) // 2]
    return {
        "database": middle["database"],
        "runs": len(runs),
        "rows_per_second": statistics.median(float(str(r["rows_per_second"])) for r in runs),
        "rows_per_second_all": [r["rows_per_second"] for r in runs],
        "peak_memory_mb": statistics.median(float(str(r["peak_memory_mb"])) for r in runs),
        "peak_memory_mb_max": max(float(str(r["peak_memory_mb"])) for r in runs),
        "helper_peak_memory_mb": statistics.median(
            float(str(r["helper_peak_memory_mb"])) for r in runs
        ),
        "load_all": [r["load_before"] for r in runs],
        "median_run": middle,
    }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per database; median quoted")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("DIALER_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--workers", type=int, default=2, help="parsing processes (0 = serial)")
    parser.add_argument("--file", type=Path, help="import this file instead of generating one")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - set(DATABASES)
    if unknown:
        sys.exit(f"Bases inconnues : {', '.join(sorted(unknown))} (sqlite, postgresql).")
    with tempfile.TemporaryDirectory() as folder:
        path = args.file or Path(folder) / "fund-file.csv"
        file_figures = {"file": str(path)} if args.file else generate(path, args.rows, args.seed)
        medians = []
        for database in databases:
            runs = []
            for run in range(args.runs):
                url = args.postgres_url
                if database == "sqlite":
                    url = f"sqlite:///{folder}/bench-{run}.sqlite3"
                runs.append(run_child(url, path, args.workers))
                if database == "sqlite":
                    Path(f"{folder}/bench-{run}.sqlite3").unlink(missing_ok=True)
            medians.append(median_of(runs))
    report = {
        "file": file_figures,
        "imports": medians,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(report))
        return
    _print_report(report)


def _print_report(report: dict[str, Any]) -> None:
    file_figures = report["file"]
    print(f"Fichier : {_fr(file_figures.get('rows', 0))} lignes "
          f"({_fr(file_figures.get('bad_rows', 0))} mauvaises), "
          f"{str(file_figures.get('size_mb', '?')).replace('.', ',')} Mo")  # fmt: skip
    for m in report["imports"]:
        run = m["median_run"]
        print(
            f"{m['database']:<10} médiane de {m['runs']} : {_fr(m['rows_per_second'])} lignes/s "
            f"(toutes : {' ; '.join(_fr(x) for x in m['rows_per_second_all'])}), "
            f"mémoire crête {_mb(m['peak_memory_mb'])} Mo "
            f"(assistants {_mb(m['helper_peak_memory_mb'])} Mo), "
            f"charge {' ; '.join(_mb(x) for x in m['load_all'])}"
        )
        tenths = " ".join(_mb(x) for x in run["resident_mb_by_tenth"])
        print(f"{'':<10} mémoire par dixième du fichier (Mo) : {tenths}")
        print(f"{'':<10} ajoutées {_fr(run['stored'])}, rejetées {_fr(run['rejected'])}")
        rows = max(1, int(run["rows"]))
        print(
            f"{'':<10} CPU par ligne : "
            f"importeur {_mb(1e6 * run['cpu_seconds_importer'] / rows)} µs, "
            f"assistants {_mb(1e6 * run['cpu_seconds_helpers'] / rows)} µs"
        )
    print(f"Processeurs : {report['cpus']}, charge finale : "
          f"{' ; '.join(_mb(x) for x in report['load_average'])}")  # fmt: skip


def _fr(value: object) -> str:
    """A whole number the French way: 25 000 (narrow no-break space)."""
    return f"{round(float(str(value))):,}".replace(",", "\u202f")


def _mb(value: object) -> str:
    return f"{float(str(value)):.1f}".replace(".", ",")


if __name__ == "__main__":
    main()
