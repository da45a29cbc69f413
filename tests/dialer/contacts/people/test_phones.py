from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from dialer.contacts.people import FieldError, Phone, normalise_phone
from dialer.contacts.territories import Territory, territory_from_phone_region
from tests.dialer.contacts.people.strategies import (
    COUNTRY_CODES,
    OVERSEAS_PREFIX_REGION,
    national_numbers,
)

E164 = re.compile(r"\+\d{8,15}")
CALLABLE = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
}
# Newest overseas mobile ranges, which phonenumbers knows under 07 09x.
NEW_OVERSEAS_RANGES = {"7090": ("GP",), "7091": ("MQ",), "7092": ("RE",), "7093": ("GF", "YT")}


def reference(nsn: str) -> phonenumbers.PhoneNumber | None:
    """What phonenumbers itself says of 0+nsn, parsed with the territory's own region."""
    regions = NEW_OVERSEAS_RANGES.get(nsn[:4]) or (OVERSEAS_PREFIX_REGION.get(nsn[:3], "FR"),)
    for region in regions:
        try:
            number = phonenumbers.parse("0" + nsn, region)
        except phonenumbers.NumberParseException:
            return None
        if number.country_code not in COUNTRY_CODES.values():
            return None  # "00..." read as an international prefix: not a served territory
        if phonenumbers.is_valid_number(number):
            return number
    return None


def spellings(nsn: str, code: int) -> list[str]:
    national = "0" + nsn
    pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return [national, pairs, pairs.replace(" ", "."), f"+{code}{nsn}", f"00{code} {nsn}"]


@settings(max_examples=200)
@given(national_numbers())
def test_valid_numbers_normalise_to_what_phonenumbers_validates(drawn: tuple[str, str]) -> None:
    region, nsn = drawn
    expected = reference(nsn)
    assume(expected is not None and phonenumbers.number_type(expected) in CALLABLE)
    assert expected is not None
    e164 = phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164)
    for raw in spellings(nsn, COUNTRY_CODES[region]):
        phone = normalise_phone(raw)
        assert phone.e164 == e164
        parsed = phonenumbers.parse(phone.e164)
        assert phonenumbers.is_valid_number(parsed)
        assert phone.region == phonenumbers.region_code_for_number(parsed)
        assert territory_from_phone_region(region) == phone.territory


@settings(max_examples=300)
@given(st.text("0123456789", min_size=9, max_size=9))
def test_fast_path_agrees_with_phonenumbers_on_any_national_number(nsn: str) -> None:
    expected = reference(nsn)
    accepted = expected is not None and phonenumbers.number_type(expected) in CALLABLE
    if not accepted:
        with pytest.raises(FieldError):
            normalise_phone("0" + nsn)
        return
    assert expected is not None
    phone = normalise_phone("0" + nsn)
    assert phone.e164 == phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164)
    assert phone.region == phonenumbers.region_code_for_number(expected)


@settings(max_examples=100)
@given(national_numbers())
def test_normalise_is_idempotent_on_its_output(drawn: tuple[str, str]) -> None:
    try:
        phone = normalise_phone("0" + drawn[1])
    except FieldError:
        return
    assert normalise_phone(phone.e164) == phone


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("0123456789 +.-()/\r\n\x00\tabcéx٣") | st.characters()))
def test_output_is_only_plus_and_digits(raw: str) -> None:
    try:
        phone = normalise_phone(raw)
    except FieldError:
        return
    assert E164.fullmatch(phone.e164)


@settings(max_examples=150)
@given(
    national_numbers(),
    st.sampled_from(["\r", "\n", "\x00", "\r\n", "\x1b", "\u2028"]),
    st.integers(0, 10),
)
def test_hostile_control_characters_never_pass(drawn: tuple[str, str], bad: str, at: int) -> None:
    national = "0" + drawn[1]
    with pytest.raises(FieldError):
        normalise_phone(national[:at] + bad + national[at:])


@pytest.mark.parametrize(
    ("raw", "e164", "region", "territory"),
    [
        ("0612345678", "+33612345678", "FR", Territory.METRO),
        ("06 12 34 56 78", "+33612345678", "FR", Territory.METRO),
        ("06.12.34.56.78", "+33612345678", "FR", Territory.METRO),
        ("+33 (0)1 44 55 66 77", "+33144556677", "FR", Territory.METRO),
        ("0033612345678", "+33612345678", "FR", Territory.METRO),
        ("612345678", "+33612345678", "FR", Territory.METRO),  # leading 0 lost by a spreadsheet
        ("0690 12 34 56", "+590690123456", "GP", Territory.GUADELOUPE),
        ("+590690123456", "+590690123456", "GP", Territory.GUADELOUPE),
        ("+33690123456", "+590690123456", "GP", Territory.GUADELOUPE),  # wrong country code fixed
        ("0590271234", "+590590271234", "BL", Territory.GUADELOUPE),
        ("0696123456", "+596696123456", "MQ", Territory.MARTINIQUE),
        ("0694201234", "+594694201234", "GF", Territory.GUYANE),
        ("0262301234", "+262262301234", "RE", Territory.REUNION),
        ("0692123456", "+262692123456", "RE", Territory.REUNION),
        ("0269601234", "+262269601234", "YT", Territory.MAYOTTE),
        ("0639401234", "+262639401234", "YT", Territory.MAYOTTE),
        ("262639401234", "+262639401234", "YT", Territory.MAYOTTE),
    ],
)
def test_known_numbers(raw: str, e164: str, region: str, territory: Territory) -> None:
    assert normalise_phone(raw) == Phone(e164, region, territory)


def test_region_hint_decides_between_two_readings() -> None:
    # 0939 5x xx xx is both a metropolitan and a Guadeloupe VoIP range.
    assert normalise_phone("0939512345").e164 == "+33939512345"
    assert normalise_phone("0939512345", region_hint="GP").e164 == "+590939512345"
    assert normalise_phone("0612345678", region_hint="RE").e164 == "+33612345678"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "vide"),
        ("   ", "vide"),
        ("0612\n345678", "contrôle"),
        ("06 12 34 56 78\r", "contrôle"),
        ("0612345678\x00", "contrôle"),
        ("06 12 AB 56 78", "non autorisés"),
        ("01-CALL-NOW", "non autorisés"),
        ("06١2345678", "non autorisés"),
        ("06 12 34 56 78 poste 12", "non autorisés"),
        ("0891234567", "surtaxé"),
        ("0800123456", "surtaxé"),
        ("3646", "court"),
        ("15", "court"),
        ("06123456789", "longueur"),
        ("+44 20 7946 0958", "hors des territoires"),
        ("+3361234567", "longueur"),
        ("0691000000", "invalide pour ce territoire"),
        ("0639123456", "invalide pour ce territoire"),
        ("0001234567", "hors des territoires"),
    ],
)
def test_reject_reasons(raw: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        normalise_phone(raw)


@settings(max_examples=150)
@given(national_numbers())
def test_plus_33_reads_like_the_national_form(drawn: tuple[str, str]) -> None:
    """+33 690... is read as 0690..., a Guadeloupe line, never an invalid +33 number."""
    nsn = drawn[1]
    try:
        national = normalise_phone("0" + nsn)
    except FieldError:
        with pytest.raises(FieldError):
            normalise_phone("+33" + nsn)
        return
    assert normalise_phone("+33 " + nsn) == national
