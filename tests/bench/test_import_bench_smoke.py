"""The import bench runs end to end on a small file and every row is accounted for.

Its figures are measured by hand (`bench/import.py`); this only keeps the script working
when the importer's interfaces change (the progress callback once broke it silently).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_bench_accounts_for_every_row_of_a_small_file() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import.py"), "--rows", "1000", "--runs", "1",
         "--databases", "sqlite", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    [sqlite] = report["imports"]
    run = sqlite["median_run"]
    assert run["accounted"] == run["rows"] == 1000
    assert run["stored"] + run["rejected"] == 1000 and run["rejected"] > 0
    assert sqlite["rows_per_second"] > 0 and run["resident_mb_by_tenth"]
