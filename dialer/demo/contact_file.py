"""Seeded, realistic fund files for demos, tests and benchmarks.

Rows look like what a local fund sends (French headers, ``;``, DD/MM/YYYY,
national phone numbers of every territory); a share of them is bad in one of
the ways real files are, so the reject report has something to say.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.phones import normalise_phone

INSURED_HEADER = [
    "Référence", "NIR", "Nom", "Prénom", "Date de naissance", "Adresse", "Code postal",
    "Ville", "Téléphone", "Email",
]  # fmt: skip
THEME_HEADERS: dict[str, list[str]] = {
    "flu_vaccination": ["Vacciné grippe"],
    "child_dental": [
        "Nom de l'enfant",
        "Prénom de l'enfant",
        "Âge de l'enfant",
        "Date de naissance de l'enfant",
        "Fin de prise en charge EBD",
    ],  # fmt: skip
    "ameli_account": ["Code provisoire", "Expiration du code"],
}
BAD_KINDS = (
    "nir_key", "nir_birth", "phone", "date", "missing_name", "email", "cells", "postal_code",
)  # fmt: skip
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Payet",
              "Hoarau", "Grondin", "Abdallah", "Madi", "Jean-Baptiste", "Céleste")  # fmt: skip
FIRST_NAMES = ("Marie", "Jean", "Léa", "Lucas", "Chloé", "Hugo", "Manon", "Louis", "Inès",
               "Gabriel", "Zoé", "Nathan", "Émilie", "Noé", "Anaïs", "Mohamed")  # fmt: skip


@dataclass(frozen=True)
class Place:
    postal_prefix: str
    city: str
    phone_prefixes: tuple[str, ...]
    department: str  # NIR birth department
    weight: int


PLACES = (
    Place("75", "Paris", ("06", "07", "01"), "75", 40),
    Place("69", "Lyon", ("06", "04"), "69", 15),
    Place("13", "Marseille", ("06", "04"), "13", 10),
    Place("20", "Ajaccio", ("06", "04"), "2A", 3),
    Place("57", "Metz", ("06", "03"), "57", 3),
    Place("67", "Strasbourg", ("06", "03"), "67", 3),
    Place("971", "Pointe-à-Pitre", ("0690", "0590"), "97", 6),
    Place("972", "Fort-de-France", ("0696", "0697"), "97", 5),
    Place("973", "Cayenne", ("0694",), "97", 4),
    Place("974", "Saint-Denis", ("0692", "0262"), "97", 7),
    Place("976", "Mamoudzou", ("0639",), "97", 4),
)


@dataclass(frozen=True)
class GeneratedFile:
    rows: int
    bad_rows: int
    bad_by_kind: dict[str, int]


def nir_key(first13: str) -> str:
    number = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{97 - number % 97:02d}"


class ContactFileGenerator:
    def __init__(self, theme: str, seed: int, bad_ratio: float = 0.02) -> None:
        self.theme = theme
        self.random = random.Random(seed)
        self.bad_ratio = bad_ratio
        self.header = INSURED_HEADER + THEME_HEADERS.get(theme, [])
        self._weights = [p.weight for p in PLACES]
        self.today = date(2026, 11, 25)

    def rows(self, count: int, bad_counts: dict[str, int] | None = None) -> Iterator[list[str]]:
        for index in range(count):
            row = self._good_row(index)
            if self.random.random() < self.bad_ratio:
                kind = self.random.choice(BAD_KINDS)
                row = self._spoil(row, kind)
                if bad_counts is not None:
                    bad_counts[kind] = bad_counts.get(kind, 0) + 1
            yield row

    def _good_row(self, index: int) -> list[str]:
        r = self.random
        place = r.choices(PLACES, weights=self._weights)[0]
        birth = date(1940, 1, 1) + timedelta(days=r.randrange(0, 365 * 65))
        row = [
            f"R{index:08d}",
            self._nir(birth, place, index),
            r.choice(LAST_NAMES).upper(),
            r.choice(FIRST_NAMES),
            birth.strftime("%d/%m/%Y"),
            f"{r.randrange(1, 200)} rue de la République",
            self._postal_code(place),
            place.city,
            self._phone(place),
            f"contact{index}@exemple.fr" if r.random() < 0.6 else "",
        ]
        return row + self._theme_cells(index)

    def _nir(self, birth: date, place: Place, index: int) -> str:
        department = place.department
        commune = f"{self.random.randrange(1, 990):03d}"
        if department == "97":
            department = place.postal_prefix[:3]
            commune = f"{self.random.randrange(1, 99):02d}"
        first13 = (
            f"{self.random.choice('12')}{birth.year % 100:02d}{birth.month:02d}"
            f"{department}{commune}{index % 1000:03d}"
        )
        return first13 + nir_key(first13)

    def _postal_code(self, place: Place) -> str:
        remaining = 5 - len(place.postal_prefix)
        return place.postal_prefix + f"{self.random.randrange(0, 10**remaining):0{remaining}d}"

    def _phone(self, place: Place) -> str:
        prefix = self.random.choice(place.phone_prefixes)
        while True:
            tail = "".join(self.random.choice("0123456789") for _ in range(10 - len(prefix)))
            number = prefix + tail
            try:
                normalise_phone(number)
            except FieldError:
                continue
            return " ".join(number[i : i + 2] for i in range(0, 10, 2))

    def _theme_cells(self, index: int) -> list[str]:
        r = self.random
        if self.theme == "flu_vaccination":
            return [r.choice(("non", "non", "oui"))]
        if self.theme == "child_dental":
            age = r.choice((3, 6, 9, 12, 15, 18, 21, 24))
            child_birth = self.today - timedelta(days=age * 365 + r.randrange(30, 300))
            cover_end = self.today + timedelta(days=r.randrange(30, 300))
            return [r.choice(LAST_NAMES).upper(), r.choice(FIRST_NAMES), str(age),
                    child_birth.strftime("%d/%m/%Y"), cover_end.strftime("%d/%m/%Y")]  # fmt: skip
        if self.theme == "ameli_account":
            code = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
            return [code, (self.today + timedelta(days=r.randrange(20, 90))).strftime("%d/%m/%Y")]
        return []

    def _spoil(self, row: list[str], kind: str) -> list[str]:
        bad = list(row)
        if kind == "nir_key":
            bad[1] = bad[1][:13] + f"{(int(bad[1][13:]) % 97) + 1:02d}"
        elif kind == "nir_birth":
            bad[4] = "01/01/1930" if not bad[4].endswith("1930") else "01/01/1931"
        elif kind == "phone":
            bad[8] = "08 99 12 34"
        elif kind == "date":
            bad[4] = "31/02/1985"
        elif kind == "missing_name":
            bad[2] = ""
        elif kind == "email":
            bad[9] = "pas-une-adresse@"
        elif kind == "cells":
            bad = bad[:5]
        elif kind == "postal_code":
            bad[6] = "ABCDE"
        return bad


def write_contact_file(
    path: Path, theme: str, count: int, seed: int, bad_ratio: float = 0.02,
    encoding: str = "utf-8-sig", delimiter: str = ";",
) -> GeneratedFile:  # fmt: skip
    generator = ContactFileGenerator(theme, seed, bad_ratio)
    bad: dict[str, int] = {}
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(generator.header)
        writer.writerows(generator.rows(count, bad))
    return GeneratedFile(rows=count, bad_rows=sum(bad.values()), bad_by_kind=bad)
