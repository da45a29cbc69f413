"""Numbers and times as French readers write them, for every message a person reads."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def number_fr(value: int) -> str:
    """12345 -> « 12 345 », with the narrow no-break space French typography uses."""
    return f"{value:,}".replace(",", "\u202f")


def count_fr(value: int, singular: str, plural: str) -> str:
    # French uses the singular for 0 and 1.
    return f"{number_fr(value)} {singular if abs(value) < 2 else plural}"


def local_datetime(moment: datetime, time_zone: str) -> datetime:
    """A naive UTC moment (as stored) as the wall-clock time of ``time_zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone))


def datetime_fr(moment: datetime, time_zone: str, seconds: bool = False) -> str:
    """A stored UTC moment as a French reader of ``time_zone`` writes it: « 06/12/2026 à 10:15 »."""
    shown = local_datetime(moment, time_zone)
    return shown.strftime("%d/%m/%Y à %H:%M:%S" if seconds else "%d/%m/%Y à %H:%M")


def parse_utc(stamp: str) -> datetime:
    """An ISO 8601 UTC stamp as the JSON outputs write it (``…Z``), as a naive UTC moment."""
    moment = datetime.fromisoformat(stamp.removesuffix("Z"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
