"""What an import reports while it runs: pre-scan, then rows, rate and rejects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class ImportTick:
    phase: str  # "scan": done/expected in bytes; "import": in rows
    done: int
    expected: int
    rejected: int = 0
    rows_per_second: float = 0.0


Progress = Callable[[ImportTick], None]


def count_lines(path: Path, progress: Progress | None = None) -> int:
    """Data lines in the file (an upper bound on records), reporting bytes as it scans."""
    size = path.stat().st_size
    lines = 0
    scanned = 0
    with path.open("rb") as handle:
        while chunk := handle.read(SCAN_CHUNK):
            lines += chunk.count(b"\n")
            scanned += len(chunk)
            if progress:
                progress(ImportTick(phase="scan", done=scanned, expected=size))
    return max(0, lines - 1)
