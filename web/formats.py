"""Jinja filters: numbers, times and phone numbers as a French manager reads them."""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment

from dialer.campaigns.caller_ids import national_text
from dialer.campaigns.waves.times import paris_text
from dialer.core.french import number_fr


def decimal_fr(value: float, digits: int = 1) -> str:
    """2.5 -> « 2,5 », with French digit grouping."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def percent_fr(ratio: float | None, digits: int = 1) -> str:
    """0.03 -> « 3,0 % » (no-break space before the sign, as French typography has it)."""
    if ratio is None:
        return "—"
    return f"{decimal_fr(ratio * 100, digits)}\u00a0%"


def paris_fr(moment: datetime | None) -> str:
    """A stored naive UTC time, in Paris time: « 06/12/2026 10:05 »."""
    return paris_text(moment) if moment is not None else "—"


def install_filters(env: Environment) -> None:
    env.filters["nombre"] = number_fr  # « 12 345 », as French readers expect
    env.filters["decimal"] = decimal_fr
    env.filters["pourcent"] = percent_fr
    env.filters["heure_paris"] = paris_fr
    env.filters["telephone"] = national_text
