"""Reading and exporting the access trail, each read itself left in the trail.

The DPO's pages and the CLI go through these functions rather than
``search_trail`` so that nobody reads the trail without a trace of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from dialer.campaigns.models import Campaign
from dialer.campaigns.waves.times import CENTRE_TIME_ZONE
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import Requester, TrailAction, record_access, search_trail
from dialer.core.french import datetime_fr, local_datetime
from dialer.wording import Kind, label

# The DPO opens the export in a spreadsheet: French headers, labels, Paris time; the
# hashes stay, so an entry can be matched with the chain (``dialer audit verify``).
CSV_COLUMNS = (
    "N°", "Date (heure de Paris)", "Auteur", "Rôle", "Action", "Personne", "Données",
    "Campagne", "Tentative", "Adresse", "Détail", "Empreinte précédente", "Empreinte",
)  # fmt: skip
_CENTRE = CENTRE_TIME_ZONE.key
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TrailQuery:
    person_id: int | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 500

    def describe(self) -> str:
        """The filters in French for the trail: ids and staff names only, never personal values."""
        parts = [
            f"personne n° {self.person_id}" if self.person_id is not None else "",
            f"auteur « {self.actor} »" if self.actor else "",
            f"type « {label(Kind.TRAIL_ACTION, self.action)} »" if self.action else "",
            f"depuis le {datetime_fr(self.since, _CENTRE)}" if self.since else "",
            f"jusqu'au {datetime_fr(self.until, _CENTRE)} exclu" if self.until else "",
        ]
        return ", ".join(part for part in parts if part) or "sans filtre"


# Whoever reads the trail is recorded like any other actor.
Reader = Requester


def read_trail(session: Session, query: TrailQuery, reader: Reader) -> list[AccessEntry]:
    """The matching entries, newest first; the read is recorded before it is returned."""
    entries = _search(session, query)
    _record_read(session, query, reader, f"consultation ({len(entries)} entrées) : ")
    return entries


def export_csv(session: Session, query: TrailQuery, reader: Reader) -> str:
    """The matching entries as a ``;``-separated CSV (UTF-8), the export recorded."""
    entries = _search(session, query)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    codes = campaign_codes(session, entries)
    for entry in reversed(entries):  # oldest first, the chain's own order
        writer.writerow([_safe(value) for value in _row(entry, codes)])
    _record_read(session, query, reader, f"export CSV ({len(entries)} entrées) : ")
    return buffer.getvalue()


def _search(session: Session, query: TrailQuery) -> list[AccessEntry]:
    return search_trail(
        session,
        person_id=query.person_id,
        actor=query.actor,
        action=query.action,
        since=query.since,
        until=query.until,
        limit=query.limit,
    )


def _record_read(session: Session, query: TrailQuery, reader: Reader, what: str) -> None:
    record_access(
        session,
        actor=reader.actor,
        actor_role=reader.actor_role,
        action=TrailAction.TRAIL_READ,
        person_id=query.person_id,
        fields=[],
        address=reader.address,
        detail=what + query.describe(),
    )


def campaign_codes(session: Session, entries: list[AccessEntry]) -> dict[int, str]:
    """The code of each campaign the entries name: what staff call a campaign."""
    ids = {entry.campaign_id for entry in entries if entry.campaign_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Campaign.id, Campaign.code).where(col(Campaign.id).in_(ids)))
    return {campaign_id: code for campaign_id, code in rows if campaign_id is not None}


def _row(entry: AccessEntry, codes: dict[int, str]) -> list[object]:
    return [
        entry.id,
        local_datetime(entry.at, _CENTRE).strftime("%d/%m/%Y %H:%M:%S"),
        entry.actor,
        label(Kind.ACTOR_ROLE, entry.actor_role) if entry.actor_role else "",
        label(Kind.TRAIL_ACTION, entry.action),
        entry.person_id,
        ", ".join(label(Kind.FIELD, name) for name in entry.fields or []),
        codes.get(entry.campaign_id, entry.campaign_id) if entry.campaign_id else None,
        entry.attempt_id,
        entry.address,
        entry.detail,
        entry.prev_hash,
        entry.entry_hash,
    ]


def _safe(value: object) -> str:
    if value is None:
        return ""
    cell = str(value)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
