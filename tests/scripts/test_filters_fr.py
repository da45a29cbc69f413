"""French formatting filters, without system locales."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from scripts.filters_fr import FilterError, date_fr, heure_fr, nombre_fr, pourcentage

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "short", "long"),
    [
        (date(2026, 11, 25), "25/11/2026", "mercredi 25 novembre 2026"),
        ("2026-12-01", "01/12/2026", "mardi 1er décembre 2026"),
        ("15/08/2027", "15/08/2027", "dimanche 15 août 2027"),
        (datetime(2027, 2, 1, 23, 30), "01/02/2027", "lundi 1er février 2027"),
    ],
)
def test_date_fr_short_and_long(value: object, short: str, long: str) -> None:
    assert date_fr(value) == short
    assert date_fr(value, "long") == long


def test_aware_datetime_is_shown_in_the_persons_zone() -> None:
    late_utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert date_fr(late_utc) == "26/11/2026"  # Paris is UTC+1 in November
    assert date_fr(late_utc, fuseau="Indian/Reunion") == "26/11/2026"
    assert date_fr(late_utc, fuseau="America/Guadeloupe") == "25/11/2026"
    assert heure_fr(late_utc, fuseau="America/Guadeloupe") == f"19{NBSP}h{NBSP}30"


def test_heure_fr() -> None:
    assert heure_fr(time(14, 30)) == f"14{NBSP}h{NBSP}30"
    assert heure_fr(time(9, 0)) == f"9{NBSP}h"
    assert heure_fr("10:05") == f"10{NBSP}h{NBSP}05"
    assert heure_fr(datetime(2026, 11, 25, 8, 7)) == f"8{NBSP}h{NBSP}07"
    with pytest.raises(FilterError, match="date seule"):
        heure_fr(date(2026, 11, 25))


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, None, f"1{NNBSP}234,5"),
        (1234567, None, f"1{NNBSP}234{NNBSP}567"),
        (999, None, "999"),
        (-1234.5, None, f"-1{NNBSP}234,5"),
        (Decimal("0.125"), 2, "0,13"),
        ("1234,5", 2, f"1{NNBSP}234,50"),
        (2.0, 0, "2"),
    ],
)
def test_nombre_fr(value: object, decimals: int | None, expected: str) -> None:
    assert nombre_fr(value, decimals) == expected


def test_pourcentage() -> None:
    assert pourcentage(42.5) == f"43{NNBSP}%"
    assert pourcentage(42.5, 1) == f"42,5{NNBSP}%"
    assert pourcentage(0.425, 1, ratio=True) == f"42,5{NNBSP}%"
    assert pourcentage(1500) == f"1{NNBSP}500{NNBSP}%"


def test_none_renders_empty_and_garbage_is_refused_without_quoting_it() -> None:
    assert date_fr(None) == heure_fr(None) == nombre_fr(None) == pourcentage(None) == ""
    with pytest.raises(FilterError) as caught:
        date_fr("secret-value")
    assert "secret-value" not in str(caught.value)
    with pytest.raises(FilterError):
        nombre_fr("abc")
    with pytest.raises(FilterError):
        nombre_fr("1e999999")  # would otherwise spell a million digits
    with pytest.raises(FilterError):
        nombre_fr(True)
    with pytest.raises(FilterError):
        date_fr(date(2026, 1, 1), "moyen")
