"""The shipped call scripts, the context keys they read, and sample data for previews.

Context keys are the dialer's field names, plus three display names every script uses.
For ``ameli_account`` the desk, not the database, supplies ``provisional_code``: a masked
value (e.g. "••••••••") until the agent asks for the code, then the code itself, with
``provisional_code_revealed`` set to true; the script never sees the code otherwise.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files

from scripts.errors import ScriptError

COMMON_KEYS: tuple[str, ...] = ("agent_name", "fund_name", "campaign_name")
_INSURED = ("last_name", "first_name", "birth_date")

# Theme -> the person/theme keys its shipped script reads (besides COMMON_KEYS).
THEME_KEYS: dict[str, tuple[str, ...]] = {
    "flu_vaccination": (*_INSURED, "flu_vaccinated"),
    "child_dental": (
        *_INSURED,
        "child_first_name",
        "child_last_name",
        "child_age",
        "child_birth_date",
        "ebd_cover_end",
    ),
    "ameli_account": (
        *_INSURED,
        "postal_code",
        "provisional_code",
        "provisional_code_revealed",
        "provisional_code_expiry",
    ),
    "pro_online_services": (
        "last_name",
        "first_name",
        "professional_number",
        "city",
        "practice_software",
        "online_usage_rate",
    ),
    "employer_offer": ("company_name", "siret", "local_contact_name", "postal_code", "city"),
}

MASKED_CODE = "••••••••"

_COMMON_SAMPLE: dict[str, object] = {
    "agent_name": "Camille Martin",
    "fund_name": "CPAM de la Gironde",
    "campaign_name": "Campagne d'automne 2026",
}
# Fictitious people; theme dates as ISO strings, the way the dialer's JSON stores them.
_SAMPLES: dict[str, dict[str, object]] = {
    "flu_vaccination": {
        "last_name": "Lefèvre",
        "first_name": "Monique",
        "birth_date": date(1951, 3, 14),
        "flu_vaccinated": False,
    },
    "child_dental": {
        "last_name": "Benali",
        "first_name": "Sarah",
        "birth_date": date(1988, 7, 2),
        "child_first_name": "Inès",
        "child_last_name": "Benali",
        "child_age": 6,
        "child_birth_date": "2020-05-19",
        "ebd_cover_end": "2027-05-18",
    },
    "ameli_account": {
        "last_name": "Nguyen",
        "first_name": "Thomas",
        "birth_date": date(1979, 11, 30),
        "postal_code": "33800",
        "provisional_code": MASKED_CODE,
        "provisional_code_revealed": False,
        "provisional_code_expiry": "2027-01-31",
    },
    "pro_online_services": {
        "last_name": "Durand",
        "first_name": "Hélène",
        "professional_number": "10003456789",
        "city": "Mérignac",
        "practice_software": "MédiSoft Pro",
        "online_usage_rate": 42.5,
    },
    "employer_offer": {
        "company_name": "Boulangerie Garonne SARL",
        "siret": "73282932000074",
        "local_contact_name": "Julien Robert",
        "postal_code": "33000",
        "city": "Bordeaux",
    },
}


def _known(theme: str) -> str:
    if theme not in THEME_KEYS:
        raise ScriptError(f"thème inconnu : « {theme} ».")
    return theme


def default_body(theme: str) -> str:
    """The shipped script of ``theme``, read from the installed package."""
    resource = files("scripts").joinpath("templates", f"{_known(theme)}.j2")
    return resource.read_text(encoding="utf-8")


def sample_context(theme: str) -> dict[str, object]:
    """Realistic fictitious data for the manager's live preview (a fresh copy)."""
    return {**_COMMON_SAMPLE, **_SAMPLES[_known(theme)]}
