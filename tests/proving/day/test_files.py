"""The day's fund files share people and hold people known only by a phone."""

from __future__ import annotations

import csv
from pathlib import Path

from proving.day.files import write_day_files


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))[1:]


def test_files_share_people_and_hold_phone_only_and_overseas_numbers(tmp_path: Path) -> None:
    flu, ameli, second = write_day_files(tmp_path, 1000, seed=5, bad_ratio=0.0)
    flu_rows = _rows(flu.path)
    nirs = {row[1] for row in flu_rows}
    others = [row for file in (ameli, second) for row in _rows(file.path)]
    shared = {row[1] for row in others} & nirs
    assert len(shared) >= 0.2 * len(nirs | {row[1] for row in others})
    assert {ameli.theme, second.theme} == {"ameli_account", "flu_vaccination"}
    phone_only = [row for row in flu_rows if not row[6]]
    assert phone_only and not any(row[5] or row[7] for row in phone_only)
    overseas = {row[8][:5] for row in phone_only}
    assert overseas & {"06 90", "06 96", "06 92", "06 94"}
    metro_with_overseas = [r for r in flu_rows if r[6][:2] == "75" and r[8][:5] == "06 92"]
    assert metro_with_overseas  # a Paris address, a Réunion mobile


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first = [p.path.read_bytes() for p in write_day_files(tmp_path / "a", 200, 2, 0.02)]
    second = [p.path.read_bytes() for p in write_day_files(tmp_path / "b", 200, 2, 0.02)]
    assert first == second
