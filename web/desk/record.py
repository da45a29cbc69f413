"""What the agent may see of a person: only the fields the campaign's theme declares.

Need-to-know is decided here, once, from the theme: the audience's person fields
(the NIR excepted, never shown) and the theme's own fields. A secret theme field
(the provisional ameli code) stays masked until the agent asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import phonenumbers

from dialer.campaigns.importing.records import open_theme_data
from dialer.contacts.people.models import Person
from dialer.contacts.themes import PERSON_FIELDS, Theme
from dialer.contacts.themes.base import Audience, FieldSpec
from dialer.core.crypto import DataCipher
from scripts.catalog import MASKED_CODE

NEVER_SHOWN = frozenset({"nir"})


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    text: str
    secret: bool = False  # a masked secret the agent may reveal


@dataclass(frozen=True)
class PersonRecord:
    display_name: str
    time_zone: str
    fields: list[ShownField]
    script_values: dict[str, Any] = field(default_factory=dict)

    @property
    def shown_names(self) -> list[str]:
        """Field names whose value is on screen (a masked secret is not)."""
        return [item.name for item in self.fields if not item.secret or item.text != MASKED_CODE]

    @property
    def masked_secret(self) -> bool:
        return any(item.secret and item.text == MASKED_CODE for item in self.fields)


def person_specs(theme: Theme) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in PERSON_FIELDS[theme.audience] if spec.name not in NEVER_SHOWN)


def display_text(value: object) -> str:
    """A value as the agent reads it, in French."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime | date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return display_text(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def phone_text(e164: str | None) -> str:
    if not e164:
        return "—"
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def display_name(person: Person, audience: Audience) -> str:
    if audience is Audience.EMPLOYER:
        return person.company_name or "Employeur"
    names = [person.first_name or "", person.last_name or ""]
    return " ".join(name for name in names if name) or "Personne"


def build_record(
    person: Person,
    theme_data: dict[str, Any],
    theme: Theme,
    cipher: DataCipher,
    *,
    reveal: bool = False,
) -> PersonRecord:
    """The person's declared fields for screen and script; secrets masked unless ``reveal``."""
    shown: list[ShownField] = []
    values: dict[str, Any] = {}
    for spec in person_specs(theme):
        value = getattr(person, spec.name, None)
        text = phone_text(value) if spec.name.startswith("phone") else display_text(value)
        shown.append(ShownField(spec.name, spec.label_fr, text))
        values[spec.name] = value
    for spec in theme.fields:
        value = theme_data.get(spec.name)
        if spec.secret:
            value = _secret(spec.name, value, cipher) if reveal else MASKED_CODE
            values[f"{spec.name}_revealed"] = reveal
        shown.append(ShownField(spec.name, spec.label_fr, display_text(value), spec.secret))
        values[spec.name] = value
    name = display_name(person, theme.audience)
    return PersonRecord(name, person.time_zone, shown, values)


def _secret(name: str, sealed: object, cipher: DataCipher) -> str:
    if not isinstance(sealed, str) or not sealed:
        return "—"
    return str(open_theme_data({name: sealed}, {name}, cipher)[name])
