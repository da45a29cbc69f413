"""Parse one data row of a contact file into a person, their theme data and keys.

A row is either wholly accepted or rejected with every reason at once, so the
fund can fix its file in one pass. Secrets are never echoed in a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.identifiers import check_nir_matches_birth, mask_nir, mask_secret
from dialer.contacts.people.phones import Phone
from dialer.contacts.people.residence import resolve_territory
from dialer.contacts.territories import TERRITORIES, Territory, territory_from_postal_code
from dialer.contacts.themes.base import FieldSpec, Theme
from dialer.contacts.themes.columns import ColumnMapping
from dialer.contacts.themes.person_fields import IDENTITY_FIELD, PERSON_FIELD_NAMES, PHONE_FIELDS

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHOWN_MAX = 80
_BLANK_HEADER = "(colonne sans titre)"


@dataclass(frozen=True)
class RowError:
    column: str
    value: str  # as shown in a reject report: secrets masked, controls replaced
    reason: str


@dataclass(frozen=True)
class ParsedRow:
    person: dict[str, Any]  # Person columns; "nir" in clear, for the importer to seal
    theme_data: dict[str, Any]  # JSON-ready: dates as ISO strings
    row_ref: str | None
    territory: Territory
    time_zone: str
    identity: str  # natural key: NIR, professional number or SIRET (a secret for insured)
    expires_on: date | None
    # The address and the number called lie in different time zones: both are honoured.
    split_time_zones: bool = False


def parse_row(
    theme: Theme,
    mapping: ColumnMapping,
    row: list[str],
    fund_territory: Territory | None,
    today: date | None = None,
) -> ParsedRow | list[RowError]:
    if len(row) != len(mapping.header):
        reason = f"{len(row)} cellules au lieu de {len(mapping.header)}"
        return [RowError("", "", reason)]
    errors = [
        RowError(_BLANK_HEADER, mask_secret(row[i]), "valeur dans une colonne sans titre")
        for i in mapping.blank
        if row[i].strip()
    ]
    values = _parse_cells(mapping, row, errors)
    if IDENTITY_FIELD[theme.audience] not in values:
        errors.append(RowError("", "", "colonne d'identification absente du fichier"))
    day = today or date.today()
    _check_consistency(theme, mapping, values, day, errors)
    if errors:
        return errors
    return _build(theme, values, fund_territory)


def _parse_cells(
    mapping: ColumnMapping, row: list[str], errors: list[RowError]
) -> dict[str, object]:
    """Parsed values by field name; None for a blank cell or a refused value."""
    values: dict[str, object] = {}
    for index, spec in mapping.columns:
        cell = row[index]
        if not cell.strip():
            values[spec.name] = None
            if spec.required:
                errors.append(RowError(mapping.header[index], "", "valeur obligatoire manquante"))
            continue
        try:
            values[spec.name] = spec.parser(cell)
        except FieldError as refused:
            values[spec.name] = None
            errors.append(RowError(mapping.header[index], shown(spec, cell), refused.reason))
    return values


def shown(spec: FieldSpec, raw: str) -> str:
    """A cell as a reject report may show it."""
    if spec.secret:
        return mask_nir(raw) if spec.name == "nir" else mask_secret(raw)
    text = _CONTROL.sub("\ufffd", raw.strip())
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _check_consistency(
    theme: Theme,
    mapping: ColumnMapping,
    values: dict[str, object],
    today: date,
    errors: list[RowError],
) -> None:
    problems: list[tuple[str, str]] = []
    nir, birth = values.get("nir"), values.get("birth_date")
    if isinstance(nir, str) and isinstance(birth, date):
        try:
            check_nir_matches_birth(nir, birth)
        except FieldError as refused:
            problems.append(("nir", refused.reason))
    if theme.cross_check is not None:
        problems.extend(theme.cross_check(values, today))
    expiry = theme.expiry_field
    expires_on = values.get(expiry) if expiry else None
    if expiry and isinstance(expires_on, date) and expires_on < today:
        problems.append((expiry, "date dépassée : la personne ne peut plus être appelée"))
    for field_name, reason in problems:
        errors.append(_field_error(mapping, field_name, values.get(field_name), reason))
    _check_phones(mapping, values, errors)


def _field_error(mapping: ColumnMapping, field_name: str, value: object, reason: str) -> RowError:
    column = mapping.header_of(field_name) or field_name
    spec = next(s for _, s in mapping.columns if s.name == field_name)
    return RowError(column, shown(spec, _as_text(value)), reason)


def _check_phones(
    mapping: ColumnMapping, values: dict[str, object], errors: list[RowError]
) -> None:
    """At least one valid phone; a refused one already says why, so say nothing more."""
    if any(isinstance(values.get(name), Phone) for name in PHONE_FIELDS):
        return
    headers = _phone_headers(mapping)
    if any(e.column in headers for e in errors):
        return
    column = mapping.header_of("phone_e164") or mapping.header_of("phone2_e164") or ""
    errors.append(RowError(column, "", "au moins un numéro de téléphone valide requis"))


def _phone_headers(mapping: ColumnMapping) -> set[str]:
    return {h for name in PHONE_FIELDS if (h := mapping.header_of(name)) is not None}


def _as_text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Phone):
        return value.e164
    return "" if value is None else str(value)


def _build(theme: Theme, values: dict[str, object], fund_territory: Territory | None) -> ParsedRow:
    person_names = PERSON_FIELD_NAMES[theme.audience]
    person: dict[str, Any] = {}
    theme_data: dict[str, Any] = {}
    for name, value in values.items():
        if name in person_names:
            person[name] = value.e164 if isinstance(value, Phone) else value
        elif name != "row_ref":
            theme_data[name] = value.isoformat() if isinstance(value, date) else value
    phones = [v for name in PHONE_FIELDS if isinstance(v := values.get(name), Phone)]
    _promote_phone(person, phones)
    postal_code = person.get("postal_code")
    postal = postal_code if isinstance(postal_code, str) else None
    territory = resolve_territory(postal, fund_territory, phones[0])
    row_ref = values.get("row_ref")
    return ParsedRow(
        person=person,
        theme_data=theme_data,
        row_ref=row_ref if isinstance(row_ref, str) else None,
        territory=territory,
        time_zone=TERRITORIES[territory].time_zone,
        identity=str(values[IDENTITY_FIELD[theme.audience]]),
        expires_on=_expiry_of(theme, values),
        split_time_zones=_split_time_zones(postal, phones[0]),
    )


def _split_time_zones(postal_code: str | None, phone: Phone) -> bool:
    address = territory_from_postal_code(postal_code)
    return (
        address is not None
        and TERRITORIES[address].time_zone != TERRITORIES[phone.territory].time_zone
    )


def _expiry_of(theme: Theme, values: dict[str, object]) -> date | None:
    value = values.get(theme.expiry_field) if theme.expiry_field else None
    return value if isinstance(value, date) else None


def _promote_phone(person: dict[str, Any], phones: list[Phone]) -> None:
    """The dialler calls phone_e164 first: it holds the first valid number, never a repeat."""
    first = phones[0].e164
    person["phone_e164"] = first
    if "phone2_e164" in person:
        second = phones[1].e164 if len(phones) > 1 else None
        person["phone2_e164"] = second if second != first else None
