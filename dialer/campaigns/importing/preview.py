"""A look at a file's header before importing it: which columns need a decision.

The upload page asks the manager about each header the theme does not know
and no earlier choice covers, before a single row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.importing.mapping import apply_choices, load_choices
from dialer.campaigns.importing.source import ImportRefused, RecordReader, inspect_file
from dialer.campaigns.models import Campaign
from dialer.contacts.themes import get_theme, match_columns
from dialer.contacts.themes.columns import theme_fields


@dataclass(frozen=True)
class HeaderPreview:
    undecided: tuple[str, ...]  # headers needing a decision, as the fund wrote them
    targets: tuple[tuple[str, str], ...]  # (field name, French label) a header may map to


def preview_header(engine: Engine, campaign_id: int, path: Path, max_bytes: int) -> HeaderPreview:
    """Headers to decide on; none when the file cannot be read (the import will say why)."""
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            return HeaderPreview((), ())
        theme = get_theme(campaign.theme)
        choices = load_choices(session.connection(), campaign.fund_id, theme)
    targets = tuple((spec.name, spec.label_fr) for spec in theme_fields(theme))
    try:
        header = next(iter(RecordReader(path, inspect_file(path, max_bytes))), None)
    except ImportRefused:
        return HeaderPreview((), targets)
    if header is None:
        return HeaderPreview((), targets)
    renamed, ignored = apply_choices(theme, header[1], choices)
    mapping = match_columns(theme, renamed)
    undecided = tuple(
        name for name in mapping.unknown if name not in ignored and not name.endswith("(en double)")
    )
    return HeaderPreview(undecided[:50], targets)
