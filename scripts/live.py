"""The script an agent sees on a screen pop: the current version, else the last one that renders.

A version saved before the save-time checks existed, or one reading a field a contact
lacks, may fail on the desk. The agent then gets the newest older version of the same
series (then the theme's defaults) that renders for this contact, rather than no script.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlmodel import Session

from scripts.render import RenderedScript, render_script
from scripts.versions import current_version, list_versions

log = logging.getLogger(__name__)
MAX_FALLBACKS = 5  # each try renders once: a long broken history must not slow the pop


def live_script(
    session: Session, theme: str, campaign_id: int | None, context: Mapping[str, object]
) -> tuple[RenderedScript, int | None]:
    """The rendering shown and the id of the version it came from."""
    current = current_version(session, theme, campaign_id)
    rendered = render_script(current.body, context)
    if rendered.ok:
        return rendered, current.id
    older = [
        version
        for version in [
            *(list_versions(session, theme, campaign_id) if campaign_id is not None else []),
            *list_versions(session, theme, None),
        ]
        if version.id != current.id
    ]
    for version in older[:MAX_FALLBACKS]:
        fallback = render_script(version.body, context)
        if fallback.ok:
            log.warning("script version %s failed, showing version %s", current.id, version.id)
            return fallback, version.id
    return rendered, current.id
