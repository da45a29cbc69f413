"""French formatting filters for call scripts, written without system locales.

Servers rarely have the fr_FR locale installed and ``locale.setlocale`` is process-wide,
so names of days and months and the number separators are spelt out here.
Every filter renders ``None`` as an empty string: a script guards optional fields itself.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

NARROW_NBSP = "\u202f"  # thousands separator and before "%", as the Imprimerie nationale
NBSP = "\u00a0"
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
DEFAULT_ZONE = "Europe/Paris"
LARGEST = Decimal(10) ** 15
MAX_DECIMALS = 6


class FilterError(ValueError):
    """A value a filter cannot format; the message is French and never quotes the value."""


def _as_datetime(value: object) -> datetime | date:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                return datetime.strptime(text, "%d/%m/%Y").date()
            return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            pass
    raise FilterError("date illisible (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")


def _local(value: datetime | date, zone: str) -> datetime | date:
    # Aware datetimes are shown in the person's zone; naive ones are taken as given.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(ZoneInfo(zone))
    return value


def date_fr(value: object, format: str = "court", fuseau: str = DEFAULT_ZONE) -> str:
    """``court``: 25/11/2026; ``long``: mercredi 25 novembre 2026 (1er for the first)."""
    if value is None:
        return ""
    day = _local(_as_datetime(value), fuseau)
    if format == "court":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if format == "long":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{DAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"
    raise FilterError("format de date inconnu (attendu : court ou long)")


def heure_fr(value: object, fuseau: str = DEFAULT_ZONE) -> str:
    """14 h 30 (no-break spaces); a full hour reads 9 h."""
    if value is None:
        return ""
    moment: time | datetime | date
    if isinstance(value, str) and ":" in value and "-" not in value:
        try:
            moment = time.fromisoformat(value.strip())
        except ValueError:
            raise FilterError("heure illisible (attendu : HH:MM)") from None
    elif isinstance(value, time):
        moment = value
    else:
        moment = _local(_as_datetime(value), fuseau)
    if not isinstance(moment, time | datetime):
        raise FilterError("une date seule n'a pas d'heure")
    minutes = f"{NBSP}{moment.minute:02d}" if moment.minute else ""
    return f"{moment.hour}{NBSP}h{minutes}"


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise FilterError("nombre illisible")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(
                value.strip().replace(NARROW_NBSP, "").replace(" ", "").replace(",", ".")
            )
        except InvalidOperation:
            pass
    raise FilterError("nombre illisible")


def nombre_fr(value: object, decimales: int | None = None) -> str:
    """1 234,5: narrow no-break space between thousands, decimal comma."""
    if value is None:
        return ""
    number = _as_decimal(value)
    # Bounds keep a hostile template from asking for a million-digit string.
    if not number.is_finite() or abs(number) >= LARGEST:
        raise FilterError("nombre illisible ou trop grand")
    if decimales is not None:
        if not 0 <= decimales <= MAX_DECIMALS:
            raise FilterError(f"nombre de décimales hors limites (0 à {MAX_DECIMALS})")
        number = number.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    sign, text = ("-", f"{-number:f}") if number < 0 else ("", f"{number:f}")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    grouped = NARROW_NBSP.join([whole, *groups])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def pourcentage(value: object, decimales: int = 0, ratio: bool = False) -> str:
    """42 %: ``value`` in percent, or a 0-1 ratio when ``ratio=True``."""
    if value is None:
        return ""
    number = _as_decimal(value) * (100 if ratio else 1)
    return f"{nombre_fr(number, decimales)}{NARROW_NBSP}%"


FILTERS = {
    "date_fr": date_fr,
    "heure_fr": heure_fr,
    "nombre_fr": nombre_fr,
    "pourcentage": pourcentage,
}
