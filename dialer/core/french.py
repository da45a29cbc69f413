"""Numbers as French readers write them, for every message a person reads."""

from __future__ import annotations


def number_fr(value: int) -> str:
    """12345 -> « 12 345 », with the narrow no-break space French typography uses."""
    return f"{value:,}".replace(",", "\u202f")


def count_fr(value: int, singular: str, plural: str) -> str:
    # French uses the singular for 0 and 1.
    return f"{number_fr(value)} {singular if abs(value) < 2 else plural}"
