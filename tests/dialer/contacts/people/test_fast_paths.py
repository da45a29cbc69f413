"""The import's fast paths give exactly the slow reference's answer, refusals included.

Each fast path (date shape, NIR key, postal-code table, printable-cell check,
digits-and-spaces phone) is held beside the plain rule it replaces, on many
generated values and on the tricky ones written out.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from dialer.contacts.people import FieldError, clean_text, normalise_phone, parse_french_date
from dialer.contacts.people.identifiers import nir_key
from dialer.contacts.territories import _territory_from_postal_code, territory_from_postal_code
from tests.dialer.contacts.people.strategies import nir_bodies
from tests.dialer.contacts.people.test_phones import CALLABLE, reference

# The rules as they were written before the fast paths, kept here as the reference.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def _reference_date(raw: str) -> date | str:
    if _CONTROL.search(raw):
        return "caractère de contrôle interdit"
    text = raw.strip()
    match = _FRENCH_DATE.fullmatch(text)
    if match:
        day, month, year = match.groups()
    else:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            return "date au format JJ/MM/AAAA attendue"
        year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return "date inexistante"


def _verdict(parse: Callable[[str], object], raw: str) -> object:
    try:
        return parse(raw)
    except FieldError as refused:
        return refused.reason


DATE_CHARACTERS = "0123456789/-  \t\x00٣é"
TRICKY_DATES = [
    "03/12/1984", "31/02/1985", "00/01/2000", "29/02/2023", "29/02/2024", "1/2/1984",
    "12/03/84", "1984-12-03", "01/13/2000", "01/01/0000", "٣٣/12/1984", "03/12/198٣",
    "03/12/1984\x00", " 03/12/1984", "03-12-1984", "03/12/1984 ", "0a/12/1984", "+3/12/1984",
]  # fmt: skip


@pytest.mark.parametrize("raw", TRICKY_DATES)
def test_date_fast_path_agrees_on_tricky_cells(raw: str) -> None:
    assert _verdict(parse_french_date, raw) == _reference_date(raw)


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(DATE_CHARACTERS, min_size=8, max_size=12),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999)).map(
            lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]:04d}"
        ),
    )
)
def test_date_fast_path_agrees_with_the_regular_expressions(raw: str) -> None:
    assert _verdict(parse_french_date, raw) == _reference_date(raw)


@settings(max_examples=500)
@given(nir_bodies())
def test_nir_key_is_stdnum_key(body: str) -> None:
    assert nir_key(body + "00") == stdnum_nir.calc_check_digits(body + "00")


def test_nir_key_on_a_large_seeded_sample() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        department = rng.choice(["2A", "2B", "97", "75", "01", "95"])
        body = f"{rng.choice('12')}{rng.randrange(100):02d}{rng.randrange(1, 13):02d}"
        body += department + f"{rng.randrange(10**6):06d}"
        assert nir_key(body) == stdnum_nir.calc_check_digits(body)


@settings(max_examples=300)
@given(st.one_of(st.text("0123456789 ", max_size=7), st.text(max_size=7)))
def test_postal_code_table_answers_like_the_rule(code: str) -> None:
    assert territory_from_postal_code(code) == _territory_from_postal_code(code)
    assert territory_from_postal_code(code) == _territory_from_postal_code(code)  # from the table


@settings(max_examples=500)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_printable_shortcut_refuses_every_control_the_expression_refuses(raw: str) -> None:
    verdict = _verdict(lambda r: clean_text(r, 1000), raw)
    assert (verdict == "caractère de contrôle interdit") == (_CONTROL.search(raw) is not None)


def _expected_e164(raw: str) -> str | None:
    digits = raw.replace(" ", "")
    nsn = digits[1:] if len(digits) == 10 and digits.startswith("0") else None
    if nsn is None:
        return None
    number = reference(nsn)
    if number is None or phonenumbers.number_type(number) not in CALLABLE:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


PREFIXES = ("01", "06", "07", "09", "0690", "0694", "0696", "0697", "0639", "0692", "0262",
            "0590", "0596", "0594", "0269", "0693", "0691", "08", "0800")  # fmt: skip


def test_digits_and_spaces_fast_path_agrees_with_phonenumbers_on_a_large_sample() -> None:
    """National numbers written the common ways (grouped by two, packed, stray spaces)."""
    rng = random.Random(2026)
    disagreements = []
    for _ in range(20_000):
        prefix = rng.choice(PREFIXES)
        national = prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))
        raw = rng.choice(
            (
                national,
                " ".join(national[i : i + 2] for i in range(0, 10, 2)),
                f" {national[:4]} {national[4:]} ",
                national[:2] + "  " + national[2:],
            )
        )
        try:
            ours: str | None = normalise_phone(raw).e164
        except FieldError:
            ours = None
        if ours != _expected_e164(raw):
            disagreements.append((raw, _expected_e164(raw), ours))
    assert disagreements[:10] == []


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0690 12 34 56", "+590690123456"),
        ("0696123456", "+596696123456"),
        ("0639 01 23 45", "+262639012345"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 690 12 34 56", "+590690123456"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("06\u00a012\u00a034\u00a056\u00a078", "+33612345678"),
    ],
)
def test_common_spellings_read_as_before(raw: str, e164: str) -> None:
    assert normalise_phone(raw).e164 == e164
