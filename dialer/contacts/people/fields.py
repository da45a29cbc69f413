"""Plain fields of a contact file: dates, email, postal code, text, rates, yes/no.

Each parser takes the raw cell and returns the normalised value or raises
``FieldError`` with a French reason for the reject report.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

from dialer.contacts.people.errors import FieldError
from dialer.contacts.territories import territory_from_postal_code

# C0/C1 controls and Unicode line separators: a CR, LF or NUL in a stored value
# could end up splitting an AMI frame or a CSV feed line.
# Bidirectional overrides and isolates are refused too: they can show a name reversed.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
# Deliberately simple: one @, a dotted domain, no spaces or quotes. Deliverability
# is the fund's business; we only keep out what cannot be an address.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}",
    re.ASCII,
)
_POSTAL_CODE = re.compile(r"\d{4,5}", re.ASCII)
_RATE = re.compile(r"(\d{1,3})(?:[.,](\d+))?", re.ASCII)
_TRUE = frozenset({"oui", "o", "1", "vrai", "x"})
_FALSE = frozenset({"non", "n", "0", "faux"})
_OLDEST_BIRTH = date(1900, 1, 1)
EMAIL_MAX_LEN = 254


def stripped(raw: str) -> str:
    """The cell without surrounding spaces; a control character anywhere refuses it."""
    # Every character _CONTROL names is unprintable: a printable cell needs no search.
    if not raw.isprintable() and _CONTROL.search(raw):
        raise FieldError("caractère de contrôle interdit")
    return raw.strip()


def parse_french_date(raw: str) -> date:
    """DD/MM/YYYY as French files write dates; D/M/YYYY and YYYY-MM-DD tolerated."""
    if len(raw) == 10 and raw[2] == "/" and raw[5] == "/" and raw.isascii():
        # The shape nearly every cell has, read without a regular expression.
        day, month, year = raw[:2], raw[3:5], raw[6:]
        if day.isdigit() and month.isdigit() and year.isdigit():
            return _date_of(year, month, day)
    text = stripped(raw)
    match = _FRENCH_DATE.fullmatch(text)
    if match:
        day, month, year = match.groups()
    else:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            raise FieldError("date au format JJ/MM/AAAA attendue")
        year, month, day = match.groups()
    return _date_of(year, month, day)


def _date_of(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError("date inexistante") from None


def parse_birth_date(raw: str, today: date | None = None) -> date:
    born = parse_french_date(raw)
    if born > (today or date.today()):
        raise FieldError("date de naissance dans le futur")
    if born < _OLDEST_BIRTH:
        raise FieldError("date de naissance antérieure à 1900")
    return born


def clean_text(raw: str, max_len: int) -> str:
    """Trimmed text with runs of spaces collapsed; controls refused, not stripped."""
    if not raw.isprintable() and _CONTROL.search(raw):
        raise FieldError("caractère de contrôle interdit")
    text = raw.strip()
    # Most cells are plain ASCII with single spaces: skip the costly passes then.
    if not text.isascii():
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    if len(text) > max_len:
        raise FieldError(f"texte trop long ({len(text)} caractères, {max_len} au plus)")
    return text


def normalise_email(raw: str) -> str:
    """The address with its domain lower-cased (the local part is the owner's)."""
    text = clean_text(raw, EMAIL_MAX_LEN)
    if not _EMAIL.fullmatch(text):
        raise FieldError("adresse e-mail invalide")
    local, _, domain = text.rpartition("@")
    if len(local) > 64:
        raise FieldError("adresse e-mail invalide")
    return f"{local}@{domain.lower()}"


def normalise_postal_code(raw: str) -> str:
    """Five digits of a served territory; a 4-digit code lost its leading 0 in a spreadsheet."""
    text = stripped(raw).replace(" ", "")
    if not _POSTAL_CODE.fullmatch(text):
        raise FieldError("code postal à 5 chiffres attendu")
    code = text.zfill(5)
    if code.startswith(("00", "96")) or territory_from_postal_code(code) is None:
        raise FieldError("code postal hors des territoires desservis")
    return code


def parse_rate(raw: str) -> float:
    """A percentage between 0 and 100: "42", "42 %", "42,5"."""
    text = stripped(raw).removesuffix("%").strip()
    match = _RATE.fullmatch(text)
    if not match:
        raise FieldError("pourcentage attendu (nombre entre 0 et 100)")
    whole, fraction = match.groups()
    value = float(f"{whole}.{fraction or '0'}")
    if not math.isfinite(value) or value > 100:
        raise FieldError("pourcentage entre 0 et 100 attendu")
    return value


def parse_bool_fr(raw: str) -> bool:
    """oui/non, o/n, 1/0, vrai/faux, or a cross "x" for yes."""
    text = stripped(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError("oui ou non attendu")


def parse_int(raw: str, low: int, high: int) -> int:
    text = stripped(raw)
    if not text.isascii() or not text.isdigit():
        raise FieldError("nombre entier attendu")
    value = int(text)
    if not low <= value <= high:
        raise FieldError(f"nombre entre {low} et {high} attendu")
    return value
