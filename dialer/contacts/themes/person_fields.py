"""The person fields each audience's files carry, named after ``Person`` columns.

Lengths follow the ``Person`` model so a parsed value always fits its column.
"""

from __future__ import annotations

from functools import partial

from dialer.contacts.people.fields import clean_text, normalise_email, normalise_postal_code
from dialer.contacts.people.fields import parse_birth_date as _parse_birth_date
from dialer.contacts.people.identifiers import (
    normalise_nir,
    normalise_professional_number,
    normalise_siret,
)
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.themes.base import Audience, FieldSpec


def _text(max_len: int) -> partial[str]:
    return partial(clean_text, max_len=max_len)


def _birth_date(raw: str) -> object:
    return _parse_birth_date(raw)


def _phone(raw: str) -> object:
    return normalise_phone(raw)


ROW_REF = FieldSpec(
    "row_ref",
    "Référence",
    _text(64),
    ("Ref", "Réf", "Référence dossier", "Référence ligne", "row_ref"),
)

NIR = FieldSpec(
    "nir",
    "NIR",
    normalise_nir,
    (
        "N° de sécurité sociale",
        "Numéro de sécurité sociale",
        "numero_securite_sociale",
        "N° SS",
        "Numéro SS",
        "NSS",
    ),
    required=True,
    secret=True,
)
BIRTH_DATE = FieldSpec(
    "birth_date",
    "Date de naissance",
    _birth_date,
    ("Né le", "Née le", "Né(e) le", "date_naissance", "DDN"),
    required=True,
)


def _last_name(required: bool) -> FieldSpec:
    return FieldSpec(
        "last_name",
        "Nom",
        _text(100),
        ("Nom de famille", "Nom d'usage", "last_name"),
        required=required,
    )


def _first_name(required: bool) -> FieldSpec:
    return FieldSpec("first_name", "Prénom", _text(100), ("first_name",), required=required)


PROFESSIONAL_NUMBER = FieldSpec(
    "professional_number",
    "Numéro PS",
    normalise_professional_number,
    ("N° PS", "RPPS", "Numéro RPPS", "N° RPPS", "Numéro AM", "N° AM", "professional_number"),
    required=True,
)
COMPANY_NAME = FieldSpec(
    "company_name",
    "Raison sociale",
    _text(200),
    ("Dénomination", "Entreprise", "company_name"),
    required=True,
)
SIRET = FieldSpec(
    "siret", "SIRET", normalise_siret, ("N° SIRET", "Numéro SIRET", "siret"), required=True
)
LOCAL_CONTACT = FieldSpec(
    "local_contact_name",
    "Correspondant local",
    _text(200),
    ("Nom du correspondant", "Nom du correspondant local", "Correspondant", "local_contact_name"),
)

PHONE_FIELDS = ("phone_e164", "phone2_e164")
CONTACT_DETAILS = (
    FieldSpec(
        "address_line",
        "Adresse",
        _text(300),
        ("Adresse postale", "Ligne d'adresse", "address_line"),
    ),
    FieldSpec("postal_code", "Code postal", normalise_postal_code, ("CP", "postal_code")),
    FieldSpec("city", "Ville", _text(100), ("Commune", "Localité", "city")),
    FieldSpec(
        "phone_e164",
        "Téléphone",
        _phone,
        ("Tel", "Tél", "Téléphone 1", "Tel 1", "Tél 1", "Téléphone fixe", "Fixe", "phone"),
    ),
    FieldSpec(
        "phone2_e164",
        "Téléphone 2",
        _phone,
        ("Tel 2", "Tél 2", "Portable", "Mobile", "Téléphone portable", "Tél portable", "phone2"),
    ),
    FieldSpec(
        "email",
        "Email",
        normalise_email,
        ("E-mail", "Courriel", "Mail", "Adresse mail", "Adresse e-mail", "Adresse électronique"),
    ),
)

PERSON_FIELDS: dict[Audience, tuple[FieldSpec, ...]] = {
    Audience.INSURED: (NIR, _last_name(True), _first_name(True), BIRTH_DATE, *CONTACT_DETAILS),
    Audience.PROFESSIONAL: (
        PROFESSIONAL_NUMBER,
        _last_name(True),
        _first_name(False),
        *CONTACT_DETAILS,
    ),
    Audience.EMPLOYER: (COMPANY_NAME, SIRET, LOCAL_CONTACT, *CONTACT_DETAILS),
}

PERSON_FIELD_NAMES: dict[Audience, frozenset[str]] = {
    audience: frozenset(spec.name for spec in specs) for audience, specs in PERSON_FIELDS.items()
}

# The natural key a person is found by again in the next file.
IDENTITY_FIELD: dict[Audience, str] = {
    Audience.INSURED: "nir",
    Audience.PROFESSIONAL: "professional_number",
    Audience.EMPLOYER: "siret",
}
