"""Hypothesis strategies for French identifiers and phone numbers.

Keys are computed here from the rule in domain.md, not with the code under test.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

# Territory region -> national prefixes (after the trunk 0), from domain.md.
NATIONAL_PREFIXES: dict[str, tuple[str, ...]] = {
    "FR": ("1", "2", "3", "4", "5", "6", "7", "9"),
    "GP": ("590", "690", "691"),
    "MQ": ("596", "696", "697"),
    "GF": ("594", "694"),
    "RE": ("262", "263", "692", "693"),
    "YT": ("269", "639"),
}
COUNTRY_CODES = {"FR": 33, "GP": 590, "MQ": 596, "GF": 594, "RE": 262, "YT": 262}
OVERSEAS_PREFIX_REGION = {
    prefix: region
    for region, prefixes in NATIONAL_PREFIXES.items()
    if region != "FR"
    for prefix in prefixes
}


def nir_key(body: str) -> str:
    """97 - (number mod 97), Corsica 2A/2B counted as 19/18."""
    digits = body.replace("2A", "19").replace("2B", "18")
    return f"{97 - int(digits) % 97:02d}"


@st.composite
def nir_bodies(draw: st.DrawFn) -> str:
    """The 13 characters before the key: sex, year, month, department, commune, order."""
    sex = draw(st.sampled_from("12"))
    year = draw(st.integers(0, 99))
    month = draw(st.one_of(st.integers(1, 12), st.integers(20, 42), st.just(99)))
    department = draw(
        st.one_of(
            st.sampled_from(["2A", "2B"]),
            st.integers(1, 95).filter(lambda d: d != 20).map(lambda d: f"{d:02d}"),
            st.just("97"),
        )
    )
    rest = draw(st.text("0123456789", min_size=6, max_size=6))
    return f"{sex}{year:02d}{month:02d}{department}{rest}"


def nirs() -> st.SearchStrategy[str]:
    return nir_bodies().map(lambda body: body + nir_key(body))


@st.composite
def national_numbers(draw: st.DrawFn, region: str | None = None) -> tuple[str, str]:
    """(region, nine-digit national significant number) shaped like the region's lines."""
    chosen = region or draw(st.sampled_from(sorted(NATIONAL_PREFIXES)))
    prefix = draw(st.sampled_from(NATIONAL_PREFIXES[chosen]))
    rest = draw(st.text("0123456789", min_size=9 - len(prefix), max_size=9 - len(prefix)))
    nsn = prefix + rest
    if chosen == "FR":
        # Metropolitan 01-05, 06/07 and 09: overseas prefixes and 07 09x ranges left out.
        assume(nsn[:3] not in OVERSEAS_PREFIX_REGION and not nsn.startswith("70"))
    return chosen, nsn
