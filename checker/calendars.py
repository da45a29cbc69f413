"""Calling policy and territory holidays, re-read from the domain brief.

The campaign's ``calling_policy`` JSON is read with the brief's defaults for any
missing key (Monday to Friday, 10:00-13:00 and 14:00-20:00, never on a public
holiday). A window includes its start and excludes its end (20:00 is too late);
an end at 23:59:59 or later means the end of the day, since a time of day cannot
say midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from typing import Any

import holidays
import phonenumbers

DEFAULT_WINDOWS = ((time(10), time(13)), (time(14), time(20)))
DEFAULT_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday = 0
END_OF_DAY = time(23, 59, 59)

# Territory -> subdivision of holidays' France calendar (None: the national list).
HOLIDAY_SUBDIVISIONS: dict[str, str | None] = {
    "metro": None,
    "corse": None,
    "moselle": "57",
    "alsace": "6AE",
    "guadeloupe": "971",
    "martinique": "972",
    "guyane": "973",
    "reunion": "974",
    "mayotte": "976",
}

# Territory -> its IANA time zone, and phone region -> territory (the brief's table).
TIME_ZONES: dict[str, str] = {
    "metro": "Europe/Paris",
    "corse": "Europe/Paris",
    "moselle": "Europe/Paris",
    "alsace": "Europe/Paris",
    "guadeloupe": "America/Guadeloupe",
    "martinique": "America/Martinique",
    "guyane": "America/Cayenne",
    "reunion": "Indian/Reunion",
    "mayotte": "Indian/Mayotte",
}
_TERRITORY_OF_REGION = {
    "FR": "metro",
    "GP": "guadeloupe",
    "BL": "guadeloupe",
    "MF": "guadeloupe",
    "MQ": "martinique",
    "GF": "guyane",
    "RE": "reunion",
    "YT": "mayotte",
}

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    def holds(self, moment: time) -> bool:
        if self.end >= END_OF_DAY:
            return self.start <= moment
        return self.start <= moment < self.end

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Policy:
    windows: tuple[Window, ...]
    weekdays: frozenset[int]
    skip_public_holidays: bool

    def windows_text(self) -> str:
        return ", ".join(window.text() for window in self.windows) or "aucune plage"


def read_policy(raw: dict[str, Any]) -> Policy:
    """The policy stored on a campaign; ValueError when it cannot be read."""
    windows = raw.get("windows")
    if windows is None:
        parsed = tuple(Window(start, end) for start, end in DEFAULT_WINDOWS)
    else:
        parsed = tuple(
            Window(time.fromisoformat(str(w["start"])), time.fromisoformat(str(w["end"])))
            for w in windows
        )
    weekdays = raw.get("weekdays")
    return Policy(
        windows=parsed,
        weekdays=DEFAULT_WEEKDAYS if weekdays is None else frozenset(int(d) for d in weekdays),
        skip_public_holidays=bool(raw.get("skip_public_holidays", True)),
    )


@lru_cache(maxsize=64)
def _holidays(subdivision: str | None, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(calendar.items())


def holiday_name(territory: str, day: date) -> str | None:
    """The public holiday of that territory on that day; KeyError for an unknown territory."""
    subdivision = HOLIDAY_SUBDIVISIONS[territory]
    return _holidays(subdivision, day.year).get(day)


def number_territory(e164: str) -> str | None:
    """The territory of a called number by phonenumbers' ranges; None when it does not tell."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    return _TERRITORY_OF_REGION.get(phonenumbers.region_code_for_number(parsed) or "")
