"""Normalisation of the people a campaign calls: identifiers, phones, plain fields.

Pure functions, no I/O: each takes a raw cell and returns the normalised value
or raises ``FieldError`` with a French reason.
"""

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.fields import (
    clean_text,
    normalise_email,
    normalise_postal_code,
    parse_birth_date,
    parse_bool_fr,
    parse_french_date,
    parse_rate,
)
from dialer.contacts.people.identifiers import (
    check_nir_matches_birth,
    mask_nir,
    mask_secret,
    normalise_nir,
    normalise_professional_number,
    normalise_siret,
)
from dialer.contacts.people.phones import Phone, normalise_phone
from dialer.contacts.people.residence import resolve_territory

__all__ = [
    "FieldError",
    "Phone",
    "check_nir_matches_birth",
    "clean_text",
    "mask_nir",
    "mask_secret",
    "normalise_email",
    "normalise_nir",
    "normalise_phone",
    "normalise_postal_code",
    "normalise_professional_number",
    "normalise_siret",
    "parse_birth_date",
    "parse_bool_fr",
    "parse_french_date",
    "parse_rate",
    "resolve_territory",
]
