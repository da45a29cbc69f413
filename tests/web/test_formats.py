"""What a manager reads: French numbers, Paris time, national caller IDs."""

from __future__ import annotations

from datetime import datetime

from dialer.campaigns.caller_ids import national_text
from web.formats import decimal_fr, paris_fr, percent_fr


def test_numbers_are_written_the_french_way() -> None:
    assert percent_fr(0.03) == "3,0\u00a0%"
    assert percent_fr(0.025, 2) == "2,50\u00a0%"
    assert percent_fr(None) == "—"
    assert decimal_fr(12345.5) == "12\u202f345,5"


def test_times_are_paris_times_summer_and_winter() -> None:
    assert paris_fr(datetime(2026, 12, 8, 9, 0)) == "08/12/2026 10:00"
    assert paris_fr(datetime(2026, 7, 8, 9, 0)) == "08/07/2026 11:00"
    assert paris_fr(None) == "—"


def test_caller_ids_in_national_format() -> None:
    assert national_text("+33162000000") == "01 62 00 00 00"
    assert national_text("+262262123456") == "0262 12 34 56"  # as La Réunion writes it
    assert national_text("pas un numéro") == "pas un numéro"
