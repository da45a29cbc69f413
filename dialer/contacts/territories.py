"""French territories the call centre calls: time zone, holidays, phone region.

A call respects the local time and public holidays of two territories: the
person's (their address's, else their number's, else their fund's; see
``dialer.contacts.people.residence``) and the territory of the number called. When the
two differ (a Paris address, a Martinique mobile), both must allow the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers


class Territory(StrEnum):
    METRO = "metro"
    CORSICA = "corse"
    MOSELLE = "moselle"
    ALSACE = "alsace"
    GUADELOUPE = "guadeloupe"
    MARTINIQUE = "martinique"
    GUYANE = "guyane"
    REUNION = "reunion"
    MAYOTTE = "mayotte"


class FundKind(StrEnum):
    CPAM = "CPAM"
    CGSS = "CGSS"
    CSS = "CSS"


@dataclass(frozen=True)
class TerritoryInfo:
    label: str
    time_zone: str
    holiday_subdivision: str | None
    phone_region: str
    fund_kind: FundKind

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


TERRITORIES: dict[Territory, TerritoryInfo] = {
    Territory.METRO: TerritoryInfo(
        "France métropolitaine", "Europe/Paris", None, "FR", FundKind.CPAM
    ),
    Territory.CORSICA: TerritoryInfo("Corse", "Europe/Paris", None, "FR", FundKind.CPAM),
    Territory.MOSELLE: TerritoryInfo("Moselle", "Europe/Paris", "57", "FR", FundKind.CPAM),
    Territory.ALSACE: TerritoryInfo("Alsace", "Europe/Paris", "6AE", "FR", FundKind.CPAM),
    Territory.GUADELOUPE: TerritoryInfo(
        "Guadeloupe", "America/Guadeloupe", "971", "GP", FundKind.CGSS
    ),
    Territory.MARTINIQUE: TerritoryInfo(
        "Martinique", "America/Martinique", "972", "MQ", FundKind.CGSS
    ),
    Territory.GUYANE: TerritoryInfo("Guyane", "America/Cayenne", "973", "GF", FundKind.CGSS),
    Territory.REUNION: TerritoryInfo("La Réunion", "Indian/Reunion", "974", "RE", FundKind.CGSS),
    Territory.MAYOTTE: TerritoryInfo("Mayotte", "Indian/Mayotte", "976", "YT", FundKind.CSS),
}

_OVERSEAS_BY_POSTAL_PREFIX = {
    "971": Territory.GUADELOUPE,
    "977": Territory.GUADELOUPE,  # Saint-Barthélemy
    "978": Territory.GUADELOUPE,  # Saint-Martin
    "972": Territory.MARTINIQUE,
    "973": Territory.GUYANE,
    "974": Territory.REUNION,
    "976": Territory.MAYOTTE,
}

_TERRITORY_BY_PHONE_REGION = {
    "GP": Territory.GUADELOUPE,
    "BL": Territory.GUADELOUPE,
    "MF": Territory.GUADELOUPE,
    "MQ": Territory.MARTINIQUE,
    "GF": Territory.GUYANE,
    "RE": Territory.REUNION,
    "YT": Territory.MAYOTTE,
    "FR": Territory.METRO,
}


def info(territory: Territory | str) -> TerritoryInfo:
    return TERRITORIES[Territory(territory)]


def territory_from_postal_code(postal_code: str | None) -> Territory | None:
    """The territory a French postal code belongs to, or None if it is not one."""
    if postal_code is None:
        return None
    # Looked up three times a row by an import: a table of the codes seen so far.
    try:
        return _BY_POSTAL_CODE[postal_code]
    except KeyError:
        found = _territory_from_postal_code(postal_code)
    if len(_BY_POSTAL_CODE) < _POSTAL_CODES_KEPT:
        _BY_POSTAL_CODE[postal_code] = found
    return found


# France has about 6,000 postal codes; the bound only stops junk cells filling memory.
_POSTAL_CODES_KEPT = 100_000
_BY_POSTAL_CODE: dict[str, Territory | None] = {}


def _territory_from_postal_code(postal_code: str) -> Territory | None:
    code = postal_code.strip()
    if len(code) != 5 or not code.isdigit():
        return None
    if code[:3] in _OVERSEAS_BY_POSTAL_PREFIX:
        return _OVERSEAS_BY_POSTAL_PREFIX[code[:3]]
    if code.startswith("97") or code.startswith("98"):
        return None
    if code.startswith("20"):
        return Territory.CORSICA
    if code.startswith("57"):
        return Territory.MOSELLE
    if code[:2] in ("67", "68"):
        return Territory.ALSACE
    return Territory.METRO


def territory_from_phone_region(region: str | None) -> Territory | None:
    return _TERRITORY_BY_PHONE_REGION.get(region or "")


def overseas_regions() -> tuple[str, ...]:
    """Phone regions to try, in order, when a national number is not metropolitan."""
    return ("GP", "MQ", "GF", "RE", "YT")


@lru_cache(maxsize=65_536)
def territory_of_number(e164: str | None) -> Territory | None:
    """The territory of an E.164 number by phonenumbers' ranges; None when it does not tell."""
    if not e164:
        return None
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    return territory_from_phone_region(phonenumbers.region_code_for_number(parsed))


# The same answer as ``territory_of_number`` for the numbers an import stores, by
# E.164 prefix, so that SQL can say it (the tests hold the two side by side).
# Longest prefixes first: +262 is La Réunion but for Mayotte's ranges.
NUMBER_PREFIXES: tuple[tuple[str, Territory], ...] = (
    ("+2622689", Territory.MAYOTTE),
    ("+2627093", Territory.MAYOTTE),
    ("+2629398", Territory.MAYOTTE),
    ("+2629478", Territory.MAYOTTE),
    ("+2629769", Territory.MAYOTTE),
    ("+262269", Territory.MAYOTTE),
    ("+262639", Territory.MAYOTTE),
    ("+262", Territory.REUNION),
    ("+590", Territory.GUADELOUPE),
    ("+596", Territory.MARTINIQUE),
    ("+594", Territory.GUYANE),
    ("+33", Territory.METRO),
)


def territory_by_prefix(e164: str | None) -> Territory | None:
    return next((t for prefix, t in NUMBER_PREFIXES if (e164 or "").startswith(prefix)), None)


def call_territories(territory: Territory, number: Territory | None) -> tuple[Territory, ...]:
    """The territories whose local time and holidays a call must respect, the person's first.

    A metropolitan number adds nothing to Corsica, Moselle or Alsace: same clock,
    and their holidays include the metropolitan ones.
    """
    if number is None or number is territory:
        return (territory,)
    if number is Territory.METRO and info(territory).time_zone == info(number).time_zone:
        return (territory,)
    return (territory, number)


def call_clocks(
    territory: Territory, time_zone: str, number: Territory | None
) -> tuple[tuple[Territory, str], ...]:
    """(territory, time zone) of every local time a call must respect, the person's first."""
    others = call_territories(territory, number)[1:]
    return ((territory, time_zone), *((t, info(t).time_zone) for t in others))
