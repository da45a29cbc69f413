"""French territories the call centre calls: time zone, holidays, phone region.

The person's territory decides their local time and their public holidays; it is
taken from the postal code first, then the fund of affiliation, and the phone
number's region only as a last resort.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo


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
    code = (postal_code or "").strip()
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
