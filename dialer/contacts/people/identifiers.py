"""National identifiers: NIR, SIRET, health professional numbers, and their masks.

Check digits are verified with python-stdnum rather than hand-rolled; the NIR
and the provisional ameli code are secrets, so reject reports only ever show
them masked.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

from dialer.contacts.people.errors import FieldError

# Separators people type inside identifiers; removed before any check. Control
# characters are deliberately not separators: they make the value invalid.
_SEPARATORS = re.compile(r"[ .\-\u00a0\u202f]+")
# Sex digit: 1/2, 3/4 (foreign-born, being registered), 7/8 (temporary numbers).
_NIR_SHAPE = re.compile(r"[1-478]\d{4}(?:\d{2}|2[AB])\d{8}", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
# INSEE writes these months when the birth month is unknown.
_UNKNOWN_MONTHS = frozenset(range(20, 43)) | {99}


def _compact(raw: str) -> str:
    if raw.isalnum():  # nothing to remove: most cells
        return raw.upper()
    return _SEPARATORS.sub("", raw).upper()


def normalise_nir(raw: str) -> str:
    """The 15-character NIR (key included), Corsica 2A/2B kept as letters."""
    number = _compact(raw)
    if len(number) != 15:
        raise FieldError("le NIR doit comporter 15 caractères, clé comprise")
    if not _NIR_SHAPE.fullmatch(number):
        raise FieldError("NIR mal formé")
    # The shape is already checked, so only the key rule is needed (the tests
    # hold it beside stdnum's calc_check_digits).
    if nir_key(number) != number[13:]:
        raise FieldError("clé du NIR invalide")
    return number


def nir_key(number: str) -> str:
    """The two key digits of a NIR: 97 - (13 first digits mod 97), Corsica 2A/2B as 19/18."""
    body = number[:13]
    department = body[5:7]
    if department == "2A":
        body = body[:5] + "19" + body[7:]
    elif department == "2B":
        body = body[:5] + "18" + body[7:]
    key = 97 - int(body) % 97
    return _KEYS[key]


_KEYS = tuple(f"{key:02d}" for key in range(98))


def check_nir_matches_birth(nir: str, birth_date: date) -> None:
    """Refuse a NIR whose birth year or month contradicts the birth date."""
    if int(nir[1:3]) != birth_date.year % 100:
        raise FieldError("l'année de naissance ne correspond pas au NIR")
    month = int(nir[3:5])
    if month not in _UNKNOWN_MONTHS and month != birth_date.month:
        raise FieldError("le mois de naissance ne correspond pas au NIR")


def mask_nir(nir: str) -> str:
    """Sex, year and month only: enough to find the row, never the person."""
    number = _compact(nir)
    if len(number) < 7:
        return mask_secret(number)
    head = number[:5]
    return f"{head[0]} {head[1:3]} {head[3:5]} ** *** *** **"


def mask_secret(value: str) -> str:
    """A secret is never echoed, not even its length."""
    return "****"


def normalise_siret(raw: str) -> str:
    number = _compact(raw)
    if not _DIGITS.fullmatch(number):
        raise FieldError("le SIRET ne doit contenir que des chiffres")
    if len(number) != 14:
        raise FieldError("le SIRET doit comporter 14 chiffres")
    try:
        return str(stdnum_siret.validate(number))
    except ValidationError:
        raise FieldError("clé du SIRET invalide") from None


def normalise_professional_number(raw: str) -> str:
    """An RPPS number (11 digits) or a health-insurance number (9 digits), Luhn-checked."""
    number = _compact(raw)
    if not _DIGITS.fullmatch(number):
        raise FieldError("le numéro de professionnel ne doit contenir que des chiffres")
    if len(number) not in (9, 11):
        raise FieldError("numéro de professionnel attendu : RPPS (11 chiffres) ou AM (9 chiffres)")
    if not luhn.is_valid(number):
        kind = "RPPS" if len(number) == 11 else "AM"
        raise FieldError(f"clé du numéro {kind} invalide")
    return number
