from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from dialer.contacts.people import (
    FieldError,
    check_nir_matches_birth,
    mask_nir,
    mask_secret,
    normalise_nir,
    normalise_professional_number,
    normalise_siret,
)
from tests.dialer.contacts.people.strategies import nir_key, nirs

VALID_NIR = "184127512345640"
CORSICAN_NIR = "184122A12345697"


@settings(max_examples=150)
@given(nirs())
def test_generated_nir_round_trips_and_its_key_verifies(nir: str) -> None:
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert normalise_nir(spaced) == nir
    assert normalise_nir(nir.lower()) == nir
    assert normalise_nir(normalise_nir(nir)) == nir
    assert stdnum_nir.is_valid(nir)


@settings(max_examples=150)
@given(nirs(), st.integers(0, 14), st.integers(1, 9))
def test_a_single_changed_digit_is_refused(nir: str, position: int, shift: int) -> None:
    if not nir[position].isdigit():
        position = 0
    changed_digit = str((int(nir[position]) + shift) % 10)
    changed = nir[:position] + changed_digit + nir[position + 1 :]
    with pytest.raises(FieldError):
        normalise_nir(changed)


def test_corsica_key_uses_19_and_18() -> None:
    assert nir_key("184122A123456") == f"{97 - 1841219123456 % 97:02d}"
    assert normalise_nir("1 84 12 2a 123 456 97") == CORSICAN_NIR
    body_2b = "184122B123456"
    assert normalise_nir(body_2b + nir_key(body_2b)) == body_2b + nir_key(body_2b)
    with pytest.raises(FieldError, match="clé"):
        normalise_nir("184122A123456" + nir_key("184122B123456"))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("18412751234564", "15 caractères"),
        ("1841275123456400", "15 caractères"),
        ("184127512345641", "clé du NIR invalide"),
        ("584127512345640", "mal formé"),
        ("18412751234564X", "mal formé"),
        ("184122C12345697", "mal formé"),
        ("18412751234\n5640", "15 caractères"),
        ("184127512345\x0040", "mal formé"),
        ("", "15 caractères"),
    ],
)
def test_nir_reject_reasons(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        normalise_nir(raw)


def test_nir_accepts_dots_and_dashes() -> None:
    assert normalise_nir("1.84.12.75.123.456-40") == VALID_NIR


@pytest.mark.parametrize(
    ("nir", "born"),
    [
        (VALID_NIR, date(1984, 12, 3)),
        ("284127512345687", date(1984, 12, 31)),  # sex digit ignored
        ("184307512345637", date(1984, 5, 1)),  # unknown month, INSEE convention
        ("184997512345674", date(1984, 1, 1)),
    ],
)
def test_nir_consistent_with_birth(nir: str, born: date) -> None:
    check_nir_matches_birth(nir, born)


@pytest.mark.parametrize(
    ("born", "reason"),
    [
        (date(1985, 12, 3), "année"),
        (date(1948, 12, 3), "année"),
        (date(1984, 11, 3), "mois"),
    ],
)
def test_nir_inconsistent_with_birth(born: date, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        check_nir_matches_birth(VALID_NIR, born)


@settings(max_examples=100)
@given(nirs())
def test_mask_never_reveals_the_nir(nir: str) -> None:
    masked = mask_nir(nir)
    assert masked.startswith(f"{nir[0]} {nir[1:3]} {nir[3:5]} ")
    assert sum(ch.isdigit() or ch in "AB" for ch in masked) == 5
    assert nir[5:] not in masked.replace(" ", "")


def test_mask_of_short_garbage_and_secrets() -> None:
    assert mask_nir("12") == "****"
    assert mask_secret("AB12CD34EF") == "****"


def test_siret() -> None:
    assert normalise_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(FieldError, match="clé du SIRET"):
        normalise_siret("73282932000075")
    with pytest.raises(FieldError, match="14 chiffres"):
        normalise_siret("7328293200007")
    with pytest.raises(FieldError, match="que des chiffres"):
        normalise_siret("7328293200007A")


@settings(max_examples=50)
@given(
    st.text("0123456789", min_size=10, max_size=10), st.text("0123456789", min_size=8, max_size=8)
)
def test_professional_numbers_with_luhn_key(rpps_body: str, am_body: str) -> None:
    rpps = rpps_body + luhn.calc_check_digit(rpps_body)
    am = am_body + luhn.calc_check_digit(am_body)
    assert normalise_professional_number(f" {rpps[:5]} {rpps[5:]} ") == rpps
    assert normalise_professional_number(am) == am
    wrong = rpps[:-1] + str((int(rpps[-1]) + 1) % 10)
    with pytest.raises(FieldError, match="clé du numéro RPPS"):
        normalise_professional_number(wrong)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1234567890", "RPPS \\(11 chiffres\\) ou AM"),
        ("12345678A", "que des chiffres"),
        ("123456780", "clé du numéro AM"),
    ],
)
def test_professional_number_reject_reasons(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        normalise_professional_number(raw)
