"""A parsed row ready to store: the person's columns, their theme data, their keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialer.core.crypto import DataCipher

SECRET_THEME_PURPOSE = "theme"  # noqa: S105  (an encryption purpose label)


@dataclass
class ContactRecord:
    line: int
    identity_key: str
    row_ref: str | None
    person: dict[str, Any]  # Person columns, secrets already sealed
    theme_data: dict[str, Any]  # secrets already sealed
    theme_plain: dict[str, Any]  # for change detection only, never stored
    person_id: int | None = None  # set when the person is already known


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
