"""The shipped scripts: each renders with its sample data and says what it must say."""

from __future__ import annotations

import re

import pytest
from jinja2 import meta

from scripts.catalog import COMMON_KEYS, MASKED_CODE, THEME_KEYS, default_body, sample_context
from scripts.errors import ScriptError
from scripts.render import render_script
from scripts.sandbox import ScriptEnvironment

THEMES = sorted(THEME_KEYS)
BRANCHES = ["refused", "already_done", "callback", "wrong_person"]
COMMON_PHRASES = [
    "conseiller de l'Assurance Maladie",
    "de la part de votre caisse, CPAM de la Gironde",
    "Camille Martin",
    "refuser cet entretien",
    "ne vous appelle plus dans le cadre de ses campagnes",
    "conservés au maximum deux ans",
    "droit d'accès, de rectification et de limitation",
    "auprès du directeur de votre caisse",
    "refuser d'être contacté(e) lors de nos prochaines campagnes",
]
THEME_PHRASES = {
    "flu_vaccination": ["vacciner contre la grippe", "pris en charge à 100 %", "Lefèvre"],
    "child_dental": ["M'T dents", "Inès", "valable jusqu'au mardi 18 mai 2027", "(6 ans)"],
    "ameli_account": [
        "Créer mon compte",
        MASKED_CODE,
        "Afficher le code",
        "valable jusqu'au dimanche 31 janvier 2027",
    ],
    "pro_online_services": ["MédiSoft Pro", "43\u202f%", "10003456789", "amelipro"],
    "employer_offer": ["Boulangerie Garonne SARL", "73282932000074", "Julien Robert"],
}


def _render(theme: str, **changes: object) -> str:
    context = {**sample_context(theme), **changes}
    result = render_script(default_body(theme), context)
    assert result.ok, result.error
    return str(result.html)


@pytest.mark.parametrize("theme", THEMES)
def test_shipped_script_renders_with_key_phrases_and_every_branch(theme: str) -> None:
    html = _render(theme)
    for phrase in COMMON_PHRASES + THEME_PHRASES[theme]:
        assert phrase in html, phrase
    for branch in BRANCHES:
        assert f'data-branch="{branch}"' in html
    for section in ["introduction", "identite", "offre", "conclusion"]:
        assert f'<section id="{section}">' in html
    assert html.count("<h3>") == 5
    insured = theme in {"flu_vaccination", "child_dental", "ameli_account"}
    assert ("Ne lisez jamais le numéro de sécurité sociale" in html) is insured


@pytest.mark.parametrize("theme", THEMES)
def test_theme_keys_list_exactly_what_the_script_reads(theme: str) -> None:
    tree = ScriptEnvironment().parse(default_body(theme))
    assert meta.find_undeclared_variables(tree) == set(THEME_KEYS[theme]) | set(COMMON_KEYS)


@pytest.mark.parametrize("theme", THEMES)
def test_every_link_points_to_an_existing_anchor(theme: str) -> None:
    html = _render(theme)
    anchors = set(re.findall(r'id="([^"]+)"', html))
    assert set(re.findall(r'href="#([^"]+)"', html)) <= anchors


@pytest.mark.parametrize(
    ("theme", "optional"),
    [
        ("child_dental", ["child_last_name", "child_age"]),
        ("ameli_account", ["postal_code", "provisional_code_revealed"]),
        ("pro_online_services", ["first_name", "city", "practice_software", "online_usage_rate"]),
        ("employer_offer", ["postal_code", "city"]),
    ],
)
def test_optional_fields_may_be_absent(theme: str, optional: list[str]) -> None:
    context = {k: v for k, v in sample_context(theme).items() if k not in optional}
    result = render_script(default_body(theme), context)
    assert result.ok, result.error


def test_scripts_follow_the_data() -> None:
    assert "vaccination déjà réalisée" not in _render("flu_vaccination")
    assert "vaccination déjà réalisée" in _render("flu_vaccination", flu_vaccinated=True)
    assert "Le code est masqué" in _render("ameli_account")
    revealed = _render("ameli_account", provisional_code="K7P2Q9XZ", provisional_code_revealed=True)
    assert "K7P2Q9XZ" in revealed and "Le code est masqué" not in revealed
    assert "non renseigné" in _render("pro_online_services", online_usage_rate=None)


def test_person_name_is_escaped_in_a_shipped_script() -> None:
    html = _render("flu_vaccination", last_name="<script>x()</script>")
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_sample_context_is_a_fresh_copy_and_unknown_theme_is_refused() -> None:
    sample_context("child_dental")["child_first_name"] = "changé"
    assert sample_context("child_dental")["child_first_name"] == "Inès"
    with pytest.raises(ScriptError, match="thème inconnu"):
        default_body("../secrets")
