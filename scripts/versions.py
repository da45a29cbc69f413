"""Script versions: a campaign's own series, falling back to the theme's default series.

Nothing here commits: the caller owns the transaction. Versions are never modified;
editing a script stores a new version numbered previous + 1 within the same series
(a campaign's first edit is its version 1), so any past call can show the exact text
the agent had on screen.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from scripts.catalog import THEME_KEYS, default_body
from scripts.checking import checked_html
from scripts.errors import ScriptError
from scripts.models import ScriptVersion

SYSTEM_AUTHOR = "système"
AUTHOR_LIMIT = 100
THEME_LIMIT = 64


def _series(theme: str, campaign_id: int | None) -> list[ColumnElement[bool]]:
    campaign = col(ScriptVersion.campaign_id)
    return [
        col(ScriptVersion.theme) == theme,
        campaign.is_(None) if campaign_id is None else campaign == campaign_id,
    ]


def _latest(session: Session, theme: str, campaign_id: int | None) -> ScriptVersion | None:
    query = (
        select(ScriptVersion)
        .where(*_series(theme, campaign_id))
        .order_by(col(ScriptVersion.version).desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _latest_of_campaign_or_theme(
    session: Session, theme: str, campaign_id: int | None
) -> ScriptVersion | None:
    """The campaign's latest version, else the theme's latest default, in one statement
    (every screen pop asks)."""
    if campaign_id is None:
        return _latest(session, theme, None)
    campaign = col(ScriptVersion.campaign_id)
    query = (
        select(ScriptVersion)
        .where(
            col(ScriptVersion.theme) == theme,
            (campaign == campaign_id) | campaign.is_(None),
        )
        .order_by(campaign.is_(None), col(ScriptVersion.version).desc())
        .limit(1)
    )
    return session.scalars(query).first()


def current_version(session: Session, theme: str, campaign_id: int | None) -> ScriptVersion:
    """The campaign's latest version, else the theme's latest default.

    The first time a theme is asked for, its shipped script becomes default version 1.
    """
    found = _latest_of_campaign_or_theme(session, theme, campaign_id)
    if found is not None:
        return found
    shipped = ScriptVersion(
        theme=theme, campaign_id=None, version=1, body=default_body(theme), author=SYSTEM_AUTHOR
    )
    session.add(shipped)
    session.flush()
    return shipped


def ensure_default_versions(engine: Engine) -> int:
    """Create each theme's shipped default once, at start-up, so that two agents' first
    screen pops never race to insert it; returns how many were created."""
    created = 0
    for theme in THEME_KEYS:
        try:
            with Session(engine) as session:
                if _latest(session, theme, None) is None:
                    current_version(session, theme, None)
                    session.commit()
                    created += 1
        except IntegrityError:
            continue  # another process created it first: that one is as good
    return created


def _checked_author(author: str) -> str:
    cleaned = author.strip()
    if not cleaned or len(cleaned) > AUTHOR_LIMIT:
        raise ScriptError(f"l'auteur est obligatoire ({AUTHOR_LIMIT} caractères au plus).")
    return cleaned


def save_new_version(
    session: Session, theme: str, campaign_id: int | None, body: str, author: str
) -> ScriptVersion:
    """Store ``body`` as the next version of the series; ``ScriptError`` stores nothing.

    ``campaign_id=None`` edits the theme's default script. The body must pass the
    preview against the theme's sample data (``scripts.checking``) first.
    """
    if not theme or len(theme) > THEME_LIMIT:
        raise ScriptError("thème invalide.")
    checked_author = _checked_author(author)
    try:
        checked_html(body, theme)
    except ScriptError as exc:
        raise ScriptError(f"Le script n'a pas été enregistré : {exc}") from None
    last = session.scalar(
        select(func.max(ScriptVersion.version)).where(*_series(theme, campaign_id))
    )
    version = ScriptVersion(
        theme=theme,
        campaign_id=campaign_id,
        version=(last or 0) + 1,
        body=body,
        author=checked_author,
    )
    session.add(version)
    session.flush()
    return version


def get_version(session: Session, version_id: int) -> ScriptVersion | None:
    return session.get(ScriptVersion, version_id)


def list_versions(session: Session, theme: str, campaign_id: int | None) -> list[ScriptVersion]:
    """The series' versions, newest first (``campaign_id=None``: the theme's defaults)."""
    query = (
        select(ScriptVersion)
        .where(*_series(theme, campaign_id))
        .order_by(col(ScriptVersion.version).desc())
    )
    return list(session.scalars(query))
