"""Saving a script requires a clean preview; the desk falls back to the last good version."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from scripts import versions
from scripts.errors import ScriptError
from scripts.live import live_script
from scripts.models import ScriptVersion

THEME = "flu_vaccination"
CAMPAIGN = 7
PERSON = {
    "last_name": "Lefèvre",
    "first_name": "Monique",
    "agent_name": "Camille",
    "fund_name": "CPAM",
    "campaign_name": "Automne",
}


def _count(session: Session) -> int:
    return len(session.scalars(select(ScriptVersion)).all())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "<p>Bonjour {{ prenom }}</p>",
            "le champ « prenom » n'est pas disponible pour cette campagne",
        ),
        ("{% if flu_vaccinated %}{{ nir }}{{ x }}{% endif %}", "les champs « nir », « x »"),
        ("", "le script est vide"),
        ("  \n\t ", "le script est vide"),
        ("<p>{% if %}</p>", "erreur de syntaxe ligne 1"),
        ("{{ ('x' * 9999).replace('x', 'x' * 9999) }}", "caractères"),
        ("{{ first_name|date_fr }}", "date illisible"),
        ('<p><img src=x onerror="alert(1)"></p>', "balise ou attribut actif interdit"),
    ],
)
def test_a_body_whose_preview_fails_is_not_saved(session: Session, body: str, reason: str) -> None:
    with pytest.raises(ScriptError) as refused:
        versions.save_new_version(session, THEME, CAMPAIGN, body, "m.durand")
    message = str(refused.value)
    assert message.startswith("Le script n'a pas été enregistré : ")
    assert reason in message
    assert _count(session) == 0


def test_a_body_using_the_theme_fields_is_saved(session: Session) -> None:
    body = "<p>{{ first_name }} {{ last_name }}, {{ birth_date|date_fr('long') }}</p>"
    saved = versions.save_new_version(session, THEME, CAMPAIGN, body, "m.durand")
    assert saved.version == 1 and _count(session) == 1


def test_the_desk_falls_back_to_the_last_version_that_renders(session: Session) -> None:
    good = versions.save_new_version(session, THEME, CAMPAIGN, "<p>{{ first_name }}</p>", "m")
    # Written directly, as a version saved before the checks or a contact lacking a field.
    broken = ScriptVersion(
        theme=THEME,
        campaign_id=CAMPAIGN,
        version=2,
        body="{{ ('x'*9999).replace('x', 'x'*9999) }}",
        author="m",
    )
    session.add(broken)
    session.flush()
    rendered, version_id = live_script(session, THEME, CAMPAIGN, PERSON)
    assert rendered.ok and rendered.html == "<p>Monique</p>"
    assert version_id == good.id


def test_with_no_good_version_the_desk_shows_the_notice(session: Session) -> None:
    versions.current_version(session, THEME, None)
    session.add(
        ScriptVersion(theme=THEME, campaign_id=None, version=2, body="{{ prenom }}", author="m")
    )
    session.flush()
    rendered, _ = live_script(session, THEME, CAMPAIGN, {})
    assert not rendered.ok and rendered.error is not None
    assert "n'est pas disponible" in rendered.error
