"""The compiled fast path and phonenumbers agree on a large seeded sample of written numbers.

Numbers are drawn the way fund files write them (national, 0033 and +33
prefixes, the "(0)" habit, spaces, dots, no-break spaces), over every served
territory, including overseas numbers written with the metropolitan +33 code.
"""

from __future__ import annotations

import random

import phonenumbers
import pytest

from dialer.contacts.people import FieldError, normalise_phone
from tests.dialer.contacts.people.strategies import COUNTRY_CODES, NATIONAL_PREFIXES
from tests.dialer.contacts.people.test_phones import CALLABLE, reference

SAMPLE = 10_000
SEED = 17


def _nsn(rng: random.Random) -> tuple[str, str]:
    region = rng.choice(sorted(NATIONAL_PREFIXES))
    prefix = rng.choice(NATIONAL_PREFIXES[region])
    digits = "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
    return region, prefix + digits


def _grouped(national: str, separator: str) -> str:
    return separator.join(national[i : i + 2] for i in range(0, len(national), 2))


def _written(rng: random.Random, region: str, nsn: str) -> str:
    """One way a spreadsheet writes the number; all read as the national 0+nsn."""
    code = rng.choice((COUNTRY_CODES[region], 33))
    separator = rng.choice(("", " ", ".", "\u00a0", "-"))
    forms = (
        "0" + nsn,
        _grouped("0" + nsn, separator),
        f"+{code}{separator}{nsn}",
        f"00{code}{separator}{nsn}",
        f"0033 {nsn}",
        f"+33 (0){nsn}",
        f" {_grouped('0' + nsn, ' ')} ",
    )
    return rng.choice(forms)


def _expected(nsn: str) -> str | None:
    number = reference(nsn)
    if number is None or phonenumbers.number_type(number) not in CALLABLE:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _ours(raw: str) -> str | None:
    try:
        return normalise_phone(raw).e164
    except FieldError:
        return None


def test_fast_path_and_phonenumbers_agree_on_a_seeded_sample() -> None:
    rng = random.Random(SEED)
    disagreements = []
    accepted = 0
    for _ in range(SAMPLE):
        region, nsn = _nsn(rng)
        raw = _written(rng, region, nsn)
        expected, ours = _expected(nsn), _ours(raw)
        accepted += ours is not None
        if ours != expected:
            disagreements.append((raw, expected, ours))
    assert disagreements[:10] == []
    # The sample is worth something only if it holds both verdicts in numbers.
    assert SAMPLE * 0.3 < accepted < SAMPLE * 0.99


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6.12.34.56.78", "+33612345678"),
        ("0690 12 34 56", "+590690123456"),
        ("+33 690 12 34 56", "+590690123456"),
        ("00262 692 12 34 56", "+262692123456"),
        ("0262.20.12.34", "+262262201234"),
    ],
)
def test_written_forms_of_the_sample(raw: str, e164: str) -> None:
    assert _ours(raw) == e164 == _expected(e164[-9:])
