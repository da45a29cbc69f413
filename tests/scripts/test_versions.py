"""Script versions on a real database: defaults, campaign series, refusal of broken bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from scripts import versions
from scripts.catalog import default_body
from scripts.errors import ScriptError
from scripts.models import ScriptVersion

CAMPAIGN = 12


def _count(session: Session) -> int:
    return len(session.scalars(select(ScriptVersion)).all())


def test_first_request_creates_default_version_one_from_the_shipped_script(
    session: Session,
) -> None:
    first = versions.current_version(session, "flu_vaccination", CAMPAIGN)
    session.commit()
    assert (first.version, first.campaign_id, first.author) == (1, None, "système")
    assert first.body == default_body("flu_vaccination")
    again = versions.current_version(session, "flu_vaccination", None)
    assert again.id == first.id
    assert _count(session) == 1


def test_editing_creates_a_new_version_and_keeps_the_old_ones(session: Session) -> None:
    default = versions.current_version(session, "child_dental", CAMPAIGN)
    v1 = versions.save_new_version(
        session, "child_dental", CAMPAIGN, "<p>A {{ first_name }}</p>", "m.durand"
    )
    v2 = versions.save_new_version(session, "child_dental", CAMPAIGN, "<p>B</p>", " m.durand ")
    session.commit()
    assert (v1.version, v2.version) == (1, 2)
    assert v2.author == "m.durand"
    assert versions.current_version(session, "child_dental", CAMPAIGN).id == v2.id
    assert [v.version for v in versions.list_versions(session, "child_dental", CAMPAIGN)] == [2, 1]
    kept = versions.get_version(session, v1.id or 0)
    assert kept is not None and kept.body == "<p>A {{ first_name }}</p>"
    # Other campaigns still fall back to the theme default.
    assert versions.current_version(session, "child_dental", CAMPAIGN + 1).id == default.id
    assert versions.get_version(session, 987654) is None


def test_editing_the_theme_default_continues_its_series(session: Session) -> None:
    versions.current_version(session, "employer_offer", None)
    edited = versions.save_new_version(session, "employer_offer", None, "<p>v2</p>", "admin")
    session.commit()
    assert (edited.version, edited.campaign_id) == (2, None)
    assert versions.current_version(session, "employer_offer", CAMPAIGN).body == "<p>v2</p>"
    assert [v.version for v in versions.list_versions(session, "employer_offer", None)] == [2, 1]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<p>{% if %}</p>", "erreur de syntaxe ligne 1"),
        ("{% for x in y %}", "erreur de syntaxe"),
        ("{% macro m() %}{% endmacro %}", "macros ne sont pas autorisées"),
        ("{{ x|inexistant }}", "filtre « inexistant » inconnu"),
        ("x" * (64 * 1024 + 1), "64 Ko"),
    ],
)
def test_body_that_does_not_compile_is_refused_and_nothing_stored(
    session: Session, body: str, reason: str
) -> None:
    with pytest.raises(ScriptError, match="Le script n'a pas été enregistré") as caught:
        versions.save_new_version(session, "ameli_account", CAMPAIGN, body, "m.durand")
    assert reason in str(caught.value)
    assert _count(session) == 0


def test_author_is_required(session: Session) -> None:
    with pytest.raises(ScriptError, match="auteur"):
        versions.save_new_version(session, "ameli_account", CAMPAIGN, "<p>ok</p>", "  ")
    assert _count(session) == 0


def test_database_refuses_two_versions_with_the_same_number(session: Session) -> None:
    for campaign in (CAMPAIGN, None):
        session.add(ScriptVersion(theme="t", campaign_id=campaign, version=1, body="a", author="x"))
        session.commit()
        session.add(ScriptVersion(theme="t", campaign_id=campaign, version=1, body="b", author="x"))
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()
        session.rollback()


def test_defaults_are_created_once_at_start_up(tmp_path: Path) -> None:
    from sqlmodel import SQLModel, create_engine

    import dialer.operations.schema  # noqa: F401
    from scripts.catalog import THEME_KEYS
    from scripts.versions import ensure_default_versions

    engine = create_engine(f"sqlite:///{tmp_path}/s.sqlite3")
    SQLModel.metadata.create_all(engine)
    assert ensure_default_versions(engine) == len(THEME_KEYS)
    assert ensure_default_versions(engine) == 0
    with Session(engine) as session:
        versions = session.exec(select(ScriptVersion)).all()
    assert sorted(v.theme for v in versions) == sorted(THEME_KEYS)
    assert {v.version for v in versions} == {1}
