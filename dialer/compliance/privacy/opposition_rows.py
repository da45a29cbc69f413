"""Reading an opposition list's rows: who refuses calls, from when (pure).

A fund's list names people by NIR (best: the refusal then also holds for the
files the fund sends later) or by phone number. The columns are found as the
contact import finds them (``header_key`` and the same aliases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from dialer.campaigns.importing.report import Reject
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.fields import parse_french_date
from dialer.contacts.people.identifiers import mask_nir, normalise_nir
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.themes.columns import header_key
from dialer.contacts.themes.person_fields import NIR, ROW_REF
from dialer.core.errors import DomainError

PHONE_NAMES = ("Téléphone", "Tel", "Tél", "Numéro de téléphone", "Portable", "phone")
DATE_NAMES = ("Date", "Date du refus", "Date d'opposition", "Date de la demande")
COLUMNS: dict[str, tuple[str, ...]] = {
    "nir": (NIR.label_fr, *NIR.aliases),
    "phone": PHONE_NAMES,
    "date": DATE_NAMES,
    "row_ref": (ROW_REF.label_fr, *ROW_REF.aliases),
}
T = TypeVar("T")
LABELS = {"nir": "NIR", "phone": "Téléphone", "date": "Date du refus", "row_ref": "Référence"}


class OppositionFileRefused(DomainError):
    """The whole list is refused (no column identifies anyone); nothing was recorded."""


@dataclass(frozen=True)
class Opposition:
    line: int
    nir: str | None
    phone_e164: str | None
    decided_on: date | None
    row_ref: str


def match_header(cells: list[str]) -> dict[str, int]:
    """The index of each known column; refuses a list that identifies nobody."""
    keys = [header_key(cell) for cell in cells]
    found: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        wanted = {header_key(alias) for alias in aliases}
        index = next((i for i, key in enumerate(keys) if key in wanted), None)
        if index is not None:
            found[name] = index
    if "nir" not in found and "phone" not in found:
        raise OppositionFileRefused(
            "Aucune colonne « NIR » ni « Téléphone » dans la première ligne du fichier : "
            "rien n'a été enregistré. Colonnes attendues : NIR et/ou Téléphone, "
            "et en option Date du refus (JJ/MM/AAAA) et Référence."
        )
    return found


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parsed(
    raw: str, label: str, parse: Callable[[str], T], shown: str, where: tuple[int, str],
    rejects: list[Reject],
) -> T | None:  # fmt: skip
    if not raw:
        return None
    try:
        return parse(raw)
    except FieldError as error:
        rejects.append(Reject(where[0], label, shown, error.reason, where[1]))
        return None


def _not_future(today: date) -> Callable[[str], date]:
    def parse(raw: str) -> date:
        decided = parse_french_date(raw)
        if decided > today:
            raise FieldError("date du refus dans le futur")
        return decided

    return parse


def read_row(
    line: int, cells: list[str], columns: dict[str, int], region: str, today: date
) -> Opposition | list[Reject]:
    """One opposition, or the reasons the line is rejected (NIR masked)."""
    ref = _cell(cells, columns, "row_ref")[:64]
    raw_nir, raw_phone = _cell(cells, columns, "nir"), _cell(cells, columns, "phone")
    raw_date = _cell(cells, columns, "date")
    rejects: list[Reject] = []
    where = (line, ref)
    nir = _parsed(raw_nir, LABELS["nir"], normalise_nir, mask_nir(raw_nir), where, rejects)
    phone = _parsed(
        raw_phone, LABELS["phone"], lambda r: normalise_phone(r, region).e164, raw_phone[:80],
        where, rejects,
    )  # fmt: skip
    decided = _parsed(raw_date, LABELS["date"], _not_future(today), raw_date[:80], where, rejects)
    if not raw_nir and not raw_phone:
        rejects.append(Reject(line, "", "", "ni NIR ni téléphone : personne à identifier", ref))
    if rejects:
        return rejects
    return Opposition(line, nir, phone, decided, ref)
