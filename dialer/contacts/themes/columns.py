"""Match a contact file's header to a theme's fields.

Funds name their columns as they please ("N° de sécurité sociale",
"numero_securite_sociale", "NIR"), so names are compared without case, accents,
spaces or punctuation. A column the theme does not declare is reported, never
guessed at: the importer refuses it and stores nothing of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dialer.contacts.themes.base import FieldSpec, Theme
from dialer.contacts.themes.person_fields import PERSON_FIELDS, PHONE_FIELDS, ROW_REF

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Headers end up in reject reports: a control character there is shown, not kept.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header_key(name: str) -> str:
    """The comparable form of a column name: lower-case ASCII letters and digits."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", ascii_only)


def theme_fields(theme: Theme) -> tuple[FieldSpec, ...]:
    """Every field a file for this theme may carry: row reference, person, theme."""
    return (ROW_REF, *PERSON_FIELDS[theme.audience], *theme.fields)


@lru_cache(maxsize=32)
def alias_index(theme: Theme) -> dict[str, FieldSpec]:
    index: dict[str, FieldSpec] = {}
    for spec in theme_fields(theme):
        for name in (spec.label_fr, spec.name, *spec.aliases):
            key = header_key(name)
            other = index.setdefault(key, spec)
            if other is not spec:
                raise ValueError(f"theme {theme.key}: {name!r} names two fields")
    return index


@dataclass(frozen=True)
class ColumnMapping:
    header: tuple[str, ...]
    columns: tuple[tuple[int, FieldSpec], ...]  # (column index, field) in file order
    unknown: tuple[str, ...]  # headers the theme does not declare, duplicates included
    missing: tuple[str, ...]  # French labels of required fields with no column
    duplicates: tuple[str, ...]  # headers naming a field another column already fills
    blank: tuple[int, ...]  # indices of columns with no header

    @property
    def known(self) -> bool:
        return bool(self.columns)

    @property
    def ok(self) -> bool:
        return self.known and not (self.unknown or self.missing or self.duplicates)

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(spec.name for _, spec in self.columns)

    def header_of(self, field_name: str) -> str | None:
        for index, spec in self.columns:
            if spec.name == field_name:
                return self.header[index]
        return None


def match_columns(theme: Theme, header: list[str]) -> ColumnMapping:
    index = alias_index(theme)
    columns: list[tuple[int, FieldSpec]] = []
    unknown: list[str] = []
    duplicates: list[str] = []
    blank: list[int] = []
    seen: set[str] = set()
    for position, name in enumerate(header):
        key = header_key(name)
        spec = index.get(key)
        if not key:
            blank.append(position)
        elif spec is None:
            unknown.append(name.strip())
        elif spec.name in seen:
            # Two columns for one field: which to believe is not ours to guess.
            duplicates.append(name.strip())
            unknown.append(f"{name.strip()} (en double)")
        else:
            seen.add(spec.name)
            columns.append((position, spec))
    return ColumnMapping(
        header=tuple(_CONTROL.sub("\ufffd", h.strip()) for h in header),
        columns=tuple(columns),
        unknown=tuple(unknown),
        missing=_missing(theme, seen),
        duplicates=tuple(duplicates),
        blank=tuple(blank),
    )


def _missing(theme: Theme, seen: set[str]) -> tuple[str, ...]:
    missing = [
        spec.label_fr for spec in theme_fields(theme) if spec.required and spec.name not in seen
    ]
    if not seen.intersection(PHONE_FIELDS):
        missing.append("Téléphone")
    return tuple(missing)
