"""Phone numbers of the French territories, normalised to E.164.

A national number is read with its own territory's numbering rules: 0690 12 34 56
is a Guadeloupe mobile (+590 690 12 34 56), never an invalid +33 number. Only
lines a person answers (fixed, mobile, VoIP) are accepted: premium-rate,
toll-free and short service numbers are refused. The output goes into AMI
frames, so nothing but ``+`` and digits ever leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.phone_rules import (
    CALLABLE_KINDS,
    NSN_LENGTH,
    OVERSEAS_PREFIXES,
    SERVED_COUNTRY_CODES,
    classify,
)
from dialer.contacts.territories import Territory, territory_from_phone_region


@dataclass(frozen=True)
class Phone:
    e164: str
    region: str
    territory: Territory


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A leading + then digits and the separators people type; letters are refused
# (phonenumbers would read them as a vanity keypad).
_ALLOWED = re.compile(r"\+?[0-9 .\-/()\u00a0\u202f]+")
_SEPARATORS = str.maketrans("", "", " .-/()\u00a0\u202f")
_CODE_BY_REGION = {
    "FR": 33,
    "GP": 590,
    "BL": 590,
    "MF": 590,
    "MQ": 596,
    "GF": 594,
    "RE": 262,
    "YT": 262,
}
_OVERSEAS_PREFIX_LENGTHS = sorted({len(p) for p in OVERSEAS_PREFIXES}, reverse=True)
_SERVED_CODES = tuple(str(code) for code in SERVED_COUNTRY_CODES)


def normalise_phone(raw: str, region_hint: str | None = None) -> Phone:
    """The E.164 form of a French or overseas number, with its region and territory.

    ``region_hint`` (the fund's phone region) only decides between readings a
    national number has in two territories, e.g. overseas VoIP 09 numbers.
    """
    digits = _digits(raw)
    for code, nsn in _candidates(digits, _CODE_BY_REGION.get(region_hint or "")):
        found = classify(code, nsn)
        if found is None:
            continue
        region, kind = found
        if kind not in CALLABLE_KINDS:
            raise FieldError("numéro surtaxé, gratuit ou de service refusé")
        territory = territory_from_phone_region(region)
        if territory is None:  # pragma: no cover - every served region has one
            break
        return Phone(f"+{code}{nsn}", region, territory)
    raise FieldError("numéro de téléphone invalide pour ce territoire")


def _digits(raw: str) -> str:
    """The number without separators, keeping a leading + ; refuses anything else."""
    compact = raw.replace(" ", "")
    if compact.isdigit() and compact.isascii():
        return compact  # digits and spaces only, as most cells are: nothing to refuse
    # Controls are looked for before trimming: a trailing CR is hostile too.
    if _CONTROL.search(raw):
        raise FieldError("caractère de contrôle interdit dans le numéro de téléphone")
    text = raw.strip()
    if not text:
        raise FieldError("numéro de téléphone vide")
    if not _ALLOWED.fullmatch(text):
        raise FieldError("le numéro de téléphone contient des caractères non autorisés")
    return text.translate(_SEPARATORS)


def _candidates(digits: str, hint_code: int | None) -> list[tuple[int, str]]:
    """(country code, national significant number) readings, most likely first."""
    if digits.startswith("+"):
        return _international(digits[1:])
    if digits.startswith("00"):
        return _international(digits[2:])
    if len(digits) == NSN_LENGTH + 1 and digits[0] == "0":
        return _national(digits[1:], hint_code)
    if len(digits) == NSN_LENGTH and digits[0] != "0":
        # A spreadsheet dropped the leading 0.
        return _national(digits, hint_code)
    if len(digits) > NSN_LENGTH + 1 and digits.startswith(_SERVED_CODES):
        # An international number whose + a spreadsheet dropped.
        return _international(digits)
    if len(digits) < NSN_LENGTH:
        raise FieldError("numéro court ou incomplet refusé")
    raise FieldError("numéro de téléphone de longueur invalide")


def _national(nsn: str, hint_code: int | None) -> list[tuple[int, str]]:
    codes = _overseas_codes(nsn) or (33,)
    if hint_code is not None and hint_code not in codes:
        codes = (hint_code, *codes)
    return [(code, nsn) for code in codes]


def _overseas_codes(nsn: str) -> tuple[int, ...]:
    for length in _OVERSEAS_PREFIX_LENGTHS:
        codes = OVERSEAS_PREFIXES.get(nsn[:length])
        if codes:
            return codes
    return ()


def _international(number: str) -> list[tuple[int, str]]:
    for code in _SERVED_CODES:
        if number.startswith(code):
            nsn = number[len(code) :]
            if len(nsn) == NSN_LENGTH + 1 and nsn[0] == "0":
                nsn = nsn[1:]  # the "+33 (0)6..." habit
            if len(nsn) != NSN_LENGTH:
                raise FieldError("numéro de téléphone de longueur invalide")
            if code == "33":
                # +33 690... is a Guadeloupe mobile written with the wrong code.
                return [(c, nsn) for c in _overseas_codes(nsn) or (33,)]
            return [(int(code), nsn)]
    raise FieldError("numéro hors des territoires desservis")


def national_text(e164: str) -> str:
    """A stored number as its reader dials it at home: +33106360837 -> « 01 06 36 08 37 »."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
