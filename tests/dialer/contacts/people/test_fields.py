from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.contacts.people import (
    FieldError,
    clean_text,
    normalise_email,
    normalise_postal_code,
    parse_birth_date,
    parse_bool_fr,
    parse_french_date,
    parse_rate,
)
from dialer.contacts.people.fields import parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03/12/1984", date(1984, 12, 3)),
        ("3/2/1984", date(1984, 2, 3)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("1984-12-03", date(1984, 12, 3)),
    ],
)
def test_french_dates(raw: str, expected: date) -> None:
    assert parse_french_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12/03/84", "JJ/MM/AAAA"),
        ("1984/12/03", "JJ/MM/AAAA"),
        ("03-12-1984", "JJ/MM/AAAA"),
        ("demain", "JJ/MM/AAAA"),
        ("٠٣/١٢/١٩٨٤", "JJ/MM/AAAA"),
        ("31/02/2024", "inexistante"),
        ("29/02/2023", "inexistante"),
        ("00/01/2020", "inexistante"),
    ],
)
def test_date_reject_reasons(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_french_date(raw)


@settings(max_examples=100)
@given(st.dates(date(1900, 1, 1), date(2026, 1, 1)))
def test_dates_round_trip_in_both_spellings(day: date) -> None:
    assert parse_french_date(day.strftime("%d/%m/%Y")) == day
    assert parse_french_date(day.isoformat()) == day


def test_birth_date_bounds() -> None:
    today = date(2026, 11, 25)
    assert parse_birth_date("25/11/2026", today=today) == today
    with pytest.raises(FieldError, match="futur"):
        parse_birth_date("26/11/2026", today=today)
    with pytest.raises(FieldError, match="1900"):
        parse_birth_date("31/12/1899", today=today)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jean   Dupont ", "Jean Dupont"),
        ("Ge\u0301rard", "Gérard"),  # decomposed accent stored composed
        ("Zoé", "Zoé"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw, 100) == expected


@pytest.mark.parametrize("bad", ["\r", "\n", "\x00", "\t", "\x1b", "\x85", "\u2028"])
def test_clean_text_refuses_controls(bad: str) -> None:
    with pytest.raises(FieldError, match="contrôle"):
        clean_text(f"Dupont{bad}Action: Originate", 100)


def test_clean_text_length_limit() -> None:
    assert clean_text("x" * 10, 10) == "x" * 10
    with pytest.raises(FieldError, match="trop long"):
        clean_text("x" * 11, 10)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean.Dupont@Exemple.FR", "Jean.Dupont@exemple.fr"),
        (" jean+ameli@mail.example.org ", "jean+ameli@mail.example.org"),
    ],
)
def test_emails(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "jean",
        "jean@",
        "@exemple.fr",
        "jean@exemple",
        "jean dupont@exemple.fr",
        "a@b@c.fr",
        "jean@-x.fr",
    ],
)
def test_email_rejects(raw: str) -> None:
    with pytest.raises(FieldError, match="e-mail invalide"):
        normalise_email(raw)


def test_email_refuses_header_injection() -> None:
    with pytest.raises(FieldError, match="contrôle"):
        normalise_email("jean@exemple.fr\nBcc: tous@exemple.fr")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("75001", "75001"),
        (" 97 400 ", "97400"),
        ("1000", "01000"),
        ("7500", "07500"),
        ("20000", "20000"),
    ],
)
def test_postal_codes(raw: str, expected: str) -> None:
    assert normalise_postal_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("750011", "5 chiffres"),
        ("75OO1", "5 chiffres"),
        ("00100", "hors des territoires"),
        ("98000", "hors des territoires"),
        ("97500", "hors des territoires"),
        ("96000", "hors des territoires"),
    ],
)
def test_postal_code_rejects(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        normalise_postal_code(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42.0), ("42 %", 42.0), ("42,5", 42.5), ("42.5%", 42.5), ("0", 0.0), ("100", 100.0)],
)
def test_rates(raw: str, expected: float) -> None:
    assert parse_rate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("100,5", "entre 0 et 100"),
        ("-3", "pourcentage"),
        ("nan", "pourcentage"),
        ("1e2", "pourcentage"),
    ],
)
def test_rate_rejects(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_rate(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("o", True),
        ("1", True),
        ("vrai", True),
        ("X", True),
        ("non", False),
        ("N", False),
        ("0", False),
        ("Faux", False),
    ],
)
def test_booleans(raw: str, expected: bool) -> None:
    assert parse_bool_fr(raw) is expected


@pytest.mark.parametrize("raw", ["peut-être", "yes", "2", ""])
def test_boolean_rejects(raw: str) -> None:
    with pytest.raises(FieldError, match="oui ou non"):
        parse_bool_fr(raw)


def test_integers() -> None:
    assert parse_int(" 7 ", 0, 30) == 7
    with pytest.raises(FieldError, match="entre 0 et 30"):
        parse_int("31", 0, 30)
    with pytest.raises(FieldError, match="entier"):
        parse_int("7,5", 0, 30)


@settings(max_examples=100)
@given(st.text(max_size=20), st.sampled_from(["\r", "\n", "\x00", "\r\n"]), st.text(max_size=20))
def test_hostile_text_never_passes(before: str, bad: str, after: str) -> None:
    for parse in (lambda raw: clean_text(raw, 100), normalise_email, normalise_postal_code):
        with pytest.raises(FieldError):
            parse(before + bad + after)


@pytest.mark.parametrize(
    ("parse", "sample"),
    [
        (parse_french_date, "03/12/1984"),
        (normalise_postal_code, "75001"),
        (parse_rate, "42"),
        (parse_bool_fr, "oui"),
        (normalise_email, "a@exemple.fr"),
    ],
)
def test_a_trailing_line_break_is_refused_not_trimmed(
    parse: Callable[[str], object], sample: str
) -> None:
    parse(sample)
    with pytest.raises(FieldError, match="contrôle"):
        parse(sample + "\r\n")


def test_bidirectional_overrides_are_refused() -> None:
    from dialer.contacts.people.errors import FieldError
    from dialer.contacts.people.fields import clean_text

    for override in ("\u202e", "\u2066", "\u202a"):
        with pytest.raises(FieldError):
            clean_text(f"MARTIN{override}NITRAM", 100)
