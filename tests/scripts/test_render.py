"""Sandboxed rendering: escaping, French notices instead of exceptions, SSTI and bounds."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import Markup

from scripts.render import NOTICE, RenderedScript, render_script
from scripts.sandbox import MAX_BODY_BYTES

PERSON = {
    "last_name": "<script>alert('x')</script>",
    "first_name": "Zoé",
    "birth_date": date(1990, 4, 1),
    "provisional_code": "AB12CD34",
}


def _failed(result: RenderedScript) -> str:
    assert not result.ok
    assert result.html == Markup("")
    assert result.error is not None and result.error.startswith(NOTICE)
    return result.error


def test_renders_html_with_french_filters() -> None:
    result = render_script(
        "<p>{{ first_name }}, née le {{ birth_date|date_fr('long') }}</p>", PERSON
    )
    assert result.ok and result.error is None
    assert isinstance(result.html, Markup)
    assert result.html == "<p>Zoé, née le dimanche 1er avril 1990</p>"


def test_contact_data_is_escaped_and_cannot_be_unescaped() -> None:
    result = render_script("<h2>{{ last_name }}</h2>", PERSON)
    # The markup filter re-serialises the escaped text: quotes need no entity there.
    assert result.html == "<h2>&lt;script&gt;alert('x')&lt;/script&gt;</h2>"
    assert "<script>" not in render_script("{{ last_name }}", PERSON).html
    assert "filtre « safe » inconnu" in _failed(render_script("{{ last_name|safe }}", PERSON))


def test_missing_field_names_the_field() -> None:
    error = _failed(render_script("Bonjour {{ nir }}", PERSON))
    assert error == NOTICE + "le champ « nir » n'est pas disponible pour cette campagne."


def test_syntax_error_gives_the_line() -> None:
    error = _failed(render_script("<p>ok</p>\n{% if %}", PERSON))
    assert "erreur de syntaxe ligne 2" in error


def test_filter_error_is_reported_without_the_value() -> None:
    error = _failed(render_script("{{ provisional_code|date_fr }}", PERSON))
    assert "date illisible" in error
    assert "AB12CD34" not in error


SSTI_PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__bases__[0].__subclasses__()[59] }}",
    "{{ first_name.__class__.mro() }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ first_name['__class__'] }}",
    "{{ birth_date.__class__.__init__.__globals__ }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ self }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ namespace.__init__.__globals__.os.popen('id').read() }}",
    "{{ range.__self__ }}",
    "{{ '{0.__class__.__mro__}'.format(first_name) }}",
    "{{ 'a'.format_map({}) }}",
    "{{ '%s' % first_name }}",
    "{% set x = first_name.__class__ %}{{ x }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% extends 'base.html' %}",
    "{% import 'x' as x %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
]


@pytest.mark.parametrize("payload", SSTI_PAYLOADS)
def test_ssti_payloads_produce_the_notice_not_an_exception(payload: str) -> None:
    error = _failed(render_script(payload, PERSON))
    assert "class" not in error.lower() and "globals" not in error


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("{{ range(100000)|list|length }}", "valeur numérique supérieure"),
        ("{{ 'x' * 10000000 }}", "répétition trop longue"),
        ("{{ [1] * 10000000 }}", "répétition trop longue"),
        ("{{ 9 ** 9 ** 9 }}", "puissance trop grande"),
        ("{{ first_name.center(100000000) }}", "valeur numérique supérieure"),
        (
            "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
            "tours de boucle",
        ),
        ("{% for i in range(10000) %}{{ 'x' * 100 }}{% endfor %}", "trop long"),
    ],
)
def test_resource_bounds_stop_runaway_bodies(payload: str, reason: str) -> None:
    assert reason in _failed(render_script(payload, PERSON))


def test_reasonable_loops_and_arithmetic_still_work() -> None:
    body = "{% for i in range(3) %}{{ loop.index }}{% endfor %}-{{ 2 ** 10 }}-{{ 'ab' * 2 }}"
    assert render_script(body, PERSON).html == "123-1024-abab"


def test_body_over_64_kb_is_refused() -> None:
    body = "é" * (MAX_BODY_BYTES // 2 + 1)  # two bytes each in UTF-8
    assert "64 Ko" in _failed(render_script(body, {}))
    assert render_script("a" * MAX_BODY_BYTES, {}).ok
