"""A parsed row ready to store: the person's columns, their theme data, their keys."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dialer.core.crypto import DataCipher

SECRET_THEME_PURPOSE = "theme"  # noqa: S105  (an encryption purpose label)


# A person's columns as a parsing process sends them, in this order: a list
# pickles and inserts for less than a dict of the same values.
PERSON_ROW = (
    "identity_key", "audience", "fund_id", "nir_cipher", "nir_lookup", "birth_date",
    "last_name", "first_name", "professional_number", "company_name", "siret",
    "local_contact_name", "address_line", "postal_code", "city", "phone_e164", "phone2_e164",
    "email", "territory", "time_zone", "limited",
)  # fmt: skip
PERSON_AT = {column: index for index, column in enumerate(PERSON_ROW)}
PHONE_AT = PERSON_AT["phone_e164"]
PHONE2_AT = PERSON_AT["phone2_e164"]
SEALED_PERSON_COLUMNS = frozenset({"nir_cipher", "nir_lookup"})


@dataclass
class ContactRecord:
    line: int
    identity_key: str
    row_ref: str | None
    person: list[Any]  # Person columns in PERSON_ROW order, secrets already sealed
    # Columns the file gave (with audience, fund, territory, time zone): those a
    # later file may change; one tuple shared by every record of a file.
    person_given: tuple[str, ...]
    theme_json: str  # theme data as stored: JSON text, secrets already sealed
    # For change detection only, never stored; None when the theme data holds no
    # secret, so the stored JSON reads back as the plain data.
    theme_secret_plain: dict[str, Any] | None = None
    person_id: int | None = None  # set when the person is already known

    def person_value(self, column: str) -> Any:
        return self.person[PERSON_AT[column]]

    def theme_plain(self) -> dict[str, Any]:
        if self.theme_secret_plain is not None:
            return self.theme_secret_plain
        plain: dict[str, Any] = json.loads(self.theme_json)
        return plain


def person_row(identity: str, person: dict[str, Any]) -> list[Any]:
    """The sealed person's columns in PERSON_ROW order; those the file lacks are None."""
    row = [person.get(column) for column in PERSON_ROW]
    row[0] = identity
    if row[-1] is None:
        row[-1] = False  # limited: nobody is limited by an import
    return row


def seal_person(
    person: dict[str, Any], cipher: DataCipher, *, in_place: bool = False
) -> dict[str, Any]:
    """Replace the plain NIR with its cipher text and look-up hash."""
    sealed = person if in_place else dict(person)
    nir = sealed.pop("nir", None)
    if nir:
        sealed["nir_cipher"] = cipher.encrypt(nir, "nir")
        sealed["nir_lookup"] = cipher.lookup(nir, "nir")
    return sealed


def seal_theme_data(
    data: dict[str, Any], secret_keys: set[str], cipher: DataCipher
) -> dict[str, Any]:
    """The data with its secrets sealed; the very same dict when it holds none
    (sent once, not twice, from a parsing process)."""
    if secret_keys.isdisjoint(data):
        return data
    return {
        key: cipher.encrypt(str(value), f"{SECRET_THEME_PURPOSE}:{key}")
        if key in secret_keys and value not in (None, "")
        else value
        for key, value in data.items()
    }


def open_theme_data(
    data: dict[str, Any], secret_keys: set[str], cipher: DataCipher
) -> dict[str, Any]:
    return {
        key: cipher.decrypt(value, f"{SECRET_THEME_PURPOSE}:{key}")
        if key in secret_keys and isinstance(value, str) and value.startswith("v1:")
        else value
        for key, value in data.items()
    }


def identity_key(audience: str, identity: str, cipher: DataCipher) -> str:
    return cipher.lookup(f"{audience}:{identity}", "identity")
