"""The day's fund files: one per campaign, sharing people as real files do.

The commissioning fund sends its flu file, then an ameli-account file that names
many of the same people (one Person row, two campaigns); a second fund's file
names people the first already holds (the same NIR: the importer keys people by
it, whatever the fund). The flu file also holds people known only by a phone (no
address), some with an overseas mobile, and people whose address and number lie
in two territories (a Paris address, a Réunion mobile): their calls must fit both
local times.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from dialer.demo.contact_file import ContactFileGenerator

# Columns of INSURED_HEADER the shared rows copy: reference aside, who the person is.
IDENTITY = slice(1, 10)
ADDRESS, POSTAL_CODE, CITY, PHONE = 5, 6, 7, 8
OVERSEAS_MOBILES = ("0690", "0696", "0692", "0694")
PHONE_ONLY_RATIO = 0.06  # of the flu file: no address at all, only a phone
TWO_TERRITORIES_RATIO = 0.04  # of the flu file: a metropolitan address, an overseas mobile
SHARED_RATIO = 0.75  # of each other file: people the flu file already names
OTHER_FILE_RATIO = 0.35  # size of each other file, against the flu file


@dataclass(frozen=True)
class FundFile:
    path: Path
    theme: str
    rows: int


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _generate(theme: str, count: int, seed: int, bad_ratio: float,
              prefix: str) -> tuple[ContactFileGenerator, list[list[str]]]:  # fmt: skip
    """Seeded rows; which end up rejected is the importer's to say (reshaping may mend some)."""
    generator = ContactFileGenerator(theme, seed, bad_ratio)
    rows = list(generator.rows(count))
    for row in rows:
        row[0] = prefix + row[0]  # each fund numbers its own rows
    return generator, rows


def _overseas_mobile(rng: random.Random) -> str:
    number = rng.choice(OVERSEAS_MOBILES) + "".join(rng.choice("0123456789") for _ in range(6))
    return " ".join(number[i : i + 2] for i in range(0, 10, 2))


def _reshape_flu(rows: list[list[str]], rng: random.Random) -> None:
    """Some people lose their address, some get a mobile of another territory."""
    for row in rows:
        if len(row) <= PHONE:
            continue  # a spoiled short row stays as it is
        draw = rng.random()
        if draw < PHONE_ONLY_RATIO:
            row[ADDRESS] = row[POSTAL_CODE] = row[CITY] = ""
            if rng.random() < 0.5:
                row[PHONE] = _overseas_mobile(rng)
        elif draw < PHONE_ONLY_RATIO + TWO_TERRITORIES_RATIO and not row[POSTAL_CODE].startswith(
            "97"
        ):
            row[PHONE] = _overseas_mobile(rng)


def _share(rows: list[list[str]], source: list[list[str]], rng: random.Random) -> None:
    """The first rows of ``rows`` become people of ``source``, with their own theme cells."""
    whole = [r for r in source if len(r) > PHONE]
    chosen = rng.sample(whole, min(len(whole), round(len(rows) * SHARED_RATIO)))
    for row, person in zip(rows, chosen, strict=False):
        if len(row) > PHONE:
            row[IDENTITY] = person[IDENTITY]


def write_day_files(folder: Path, people: int, seed: int, bad_ratio: float) -> list[FundFile]:
    """The flu file, the ameli-account file (same fund), the second fund's flu file."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    flu_gen, flu = _generate("flu_vaccination", people, seed, bad_ratio, "")
    _reshape_flu(flu, rng)
    other = max(1, round(people * OTHER_FILE_RATIO))
    files = [FundFile(folder / "fichier-grippe.csv", "flu_vaccination", people)]
    _write(files[0].path, flu_gen.header, flu)
    for name, theme, prefix, offset in (
        ("fichier-compte-ameli.csv", "ameli_account", "A", 1),
        ("fichier-grippe-caisse2.csv", "flu_vaccination", "B", 2),
    ):
        generator, rows = _generate(theme, other, seed + offset, bad_ratio, prefix)
        _share(rows, flu, rng)
        _write(folder / name, generator.header, rows)
        files.append(FundFile(folder / name, theme, other))
    return files
