"""Help to open an ameli account with the provisional confidential code.

The code is a secret: the importer seals it, reports only ever mask it, and the
person must not be called once it has expired.
"""

from __future__ import annotations

import re

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.fields import parse_french_date, stripped
from dialer.contacts.themes.base import Audience, FieldSpec, Theme

_CODE = re.compile(r"[A-Za-z0-9]{8,16}", re.ASCII)


def parse_provisional_code(raw: str) -> str:
    code = stripped(raw)
    if not _CODE.fullmatch(code):
        raise FieldError("code provisoire : 8 à 16 lettres ou chiffres attendus")
    return code


AMELI_ACCOUNT = Theme(
    key="ameli_account",
    label_fr="Ouverture du compte ameli",
    audience=Audience.INSURED,
    fields=(
        FieldSpec(
            "provisional_code",
            "Code provisoire",
            parse_provisional_code,
            ("Code confidentiel provisoire", "Code confidentiel", "provisional_code"),
            required=True,
            secret=True,
        ),
        FieldSpec(
            "provisional_code_expiry",
            "Date d'expiration du code",
            parse_french_date,
            (
                "Expiration du code",
                "Fin de validité du code",
                "Date de fin de validité du code",
                "provisional_code_expiry",
            ),
            required=True,
        ),
    ),
    expiry_field="provisional_code_expiry",
)
