"""Progress: the pre-scan reports bytes, then rows with their rate and the rejects so far."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from dialer.campaigns.importing.pipeline import ImportOptions, import_contacts
from dialer.campaigns.importing.progress import SCAN_CHUNK, ImportTick, count_lines
from dialer.core.crypto import DataCipher
from tests.dialer.campaigns.importing.conftest import HEADER, write
from tests.dialer.campaigns.importing.test_bad_input import many_good_rows


def test_the_pre_scan_moves_chunk_by_chunk(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n" * (SCAN_CHUNK // 2))  # two chunks
    ticks: list[ImportTick] = []
    assert count_lines(path, ticks.append) == SCAN_CHUNK // 2 - 1
    assert [(t.phase, t.done) for t in ticks] == [("scan", SCAN_CHUNK), ("scan", 2 * SCAN_CHUNK)]
    assert {t.expected for t in ticks} == {2 * SCAN_CHUNK}


def test_import_ticks_carry_rows_rate_and_rejects_so_far(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(60)
    rows[5] = rows[5].replace("Jean", "Je\x01an")
    path = write(tmp_path / "f.csv", [HEADER, *rows])
    ticks: list[ImportTick] = []
    import_contacts(engine, campaign_id, path, cipher, ImportOptions(batch_size=20), ticks.append)
    phases = [t.phase for t in ticks]
    assert phases[0] == "scan" and phases[-1] == "import"
    assert phases == sorted(phases, key=lambda p: p != "scan")  # scan first, then import
    rows_ticks = [t for t in ticks if t.phase == "import"]
    assert rows_ticks[-1].done == rows_ticks[-1].expected == 60
    assert rows_ticks[-1].rejected == 1 and all(t.rows_per_second > 0 for t in rows_ticks)
