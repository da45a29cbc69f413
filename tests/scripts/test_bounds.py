"""Bounds enforced while a script renders: nothing big is built before being refused."""

from __future__ import annotations

import tracemalloc

import pytest

from scripts.render import NOTICE, render_script

PERSON = {"first_name": "Zoé"}
# Each builds about 100 million characters from a body of about 50 bytes.
HUNDRED_MB_BODIES = [
    '{{ ("x"*9999).replace("x","x"*9999) }}',
    '{{ ("x"*9999)|replace("x","x"*9999) }}',
    '{{ ([("x"*9999)]*9999)|join }}',
    '{{ ("x"*9999).join(["y"]*9999) }}',
    '{{ ("x"*9999).join(["y"]*9999) ~ "!" }}',
]
MEGABYTES_ALLOWED = 8


def _peak_megabytes(body: str) -> tuple[float, str | None]:
    tracemalloc.start()
    try:
        result = render_script(body, PERSON)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not result.ok
    return peak / 1_000_000, result.error


@pytest.mark.parametrize("body", HUNDRED_MB_BODIES)
def test_a_50_byte_body_cannot_build_100_mb(body: str) -> None:
    assert len(body.encode()) < 60
    peak, error = _peak_megabytes(body)
    assert peak < MEGABYTES_ALLOWED, f"{peak:.1f} Mo alloués"
    assert error is not None and error.startswith(NOTICE)
    assert "caractères" in error


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{% set a = 'x' * 9999 %}{{ a" + " ~ a" * 29 + " }}", "texte de plus de"),
        ("{% set a = 'x' * 9999 %}{{ a" + " + a" * 29 + " }}", "caractères"),
        (
            "{% set a = [1] * 9999 %}{{ [a, a, a, a, a, a, a, a, a, a, a]|sum(start=[]) }}",
            "liste de plus de",
        ),
        ("{{ ('x' * 99).center(9999).replace(' ', 'ab' * 20) }}", "texte de plus de"),
        (
            "{% set a = 'x' * 9999 %}{% for i in range(500) %}"
            "{% set b = a.replace('x', 'xxxxxxxxxx') %}{% endfor %}",
            "au total",
        ),
        ("{{ range(9999)|map('string')|join('x' * 9999) }}", "texte de plus de"),
    ],
)
def test_every_way_of_growing_a_string_is_bounded(body: str, reason: str) -> None:
    peak, error = _peak_megabytes(body)
    assert peak < MEGABYTES_ALLOWED
    assert error is not None and reason in error


NESTED = (
    "{% set a = ['x' * 9999] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{% set d = [c, c, c, c, c, c, c, c, c, c] %}"
)


@pytest.mark.parametrize(
    "use", ["{{ d }}", "{{ d|string }}", "{{ d|join }}", "{{ d ~ '' }}", "{{ d|tojson }}",
            "{{ d|sum(start=[]) }}", "{{ [d] * 2 }}", "{{ d + d }}"],
)  # fmt: skip
def test_nested_references_cannot_multiply_into_a_huge_text(use: str) -> None:
    """Literal lists of references grow tenfold per line: 10 million characters here."""
    peak, error = _peak_megabytes(NESTED + use)
    assert peak < MEGABYTES_ALLOWED, f"{peak:.1f} Mo alloués"
    assert error is not None and ("éléments" in error or "répétition" in error)


def test_ordinary_string_building_still_works() -> None:
    body = (
        "{{ first_name ~ ' ' ~ 'Martin' }}|{{ 'a-b'.replace('-', '+') }}|"
        "{{ ['a', 'b']|join(', ') }}|{{ 'ab' + 'cd' }}|{{ [1] + [2] }}|{{ 'x'|replace('x', 'yy') }}"
    )
    result = render_script(body, PERSON)
    assert result.ok, result.error
    assert result.html == "Zoé Martin|a+b|a, b|abcd|[1, 2]|yy"
