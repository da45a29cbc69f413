"""The fund's results as a person opens them in a spreadsheet: French headers, labels, local times.

The JSON and NDJSON outputs are for the fund's programs and keep the stable codes and
UTC times (``wire``); this CSV is for the fund's staff. Same events, same columns
order as ``wire.CSV_COLUMNS``, but each header is French, each code its label
(``dialer.wording``) and each time the fund's own wall-clock time, written as a
French spreadsheet reads a date (« 25/11/2026 11:00:03 »).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from dialer.compliance.feed.reading import FeedRow
from dialer.compliance.feed.wire import CSV_COLUMNS, open_payload, safe_cell
from dialer.contacts.funds import Fund
from dialer.core.crypto import DataCipher
from dialer.core.french import local_datetime, parse_utc
from dialer.wording import Kind, label

_TIMES = frozenset({"recorded_at", "occurred_at", "callback_at"})
_CODED = {
    "kind": Kind.OUTCOME,
    "field": Kind.FIELD,
    "channel": Kind.CONSENT_CHANNEL,
    "decision": Kind.CONSENT_DECISION,
    "source": Kind.CONSENT_SOURCE,
}
_HEADERS = {
    "seq": "N°",
    "event_id": "Identifiant de l'événement",
    "kind": "Nature",
    "recorded_at": "Enregistré le",
    "campaign": "Campagne",
    "row_ref": "Référence de la ligne",
    "occurred_at": "Survenu le",
    "nir": "NIR",
    "professional_number": "Numéro PS",
    "siret": "SIRET",
    "field": "Donnée",
    "value": "Nouvelle valeur",
    "channel": "Canal",
    "decision": "Décision",
    "source": "Origine",
    "category": "Catégorie",
    "text": "Texte",
    "callback_at": "Rappel le",
    "details": "Autres informations",
}


@dataclass(frozen=True)
class Sheet:
    """The fund's spreadsheet: its times in ``time_zone``, named ``zone_name`` in the headers."""

    time_zone: str
    zone_name: str

    def headers(self) -> list[str]:
        suffix = f" (heure locale, {self.zone_name})"
        return [_HEADERS[key] + (suffix if key in _TIMES else "") for key in CSV_COLUMNS]

    def row(self, row: FeedRow, cipher: DataCipher) -> list[str]:
        payload: dict[str, Any] = json.loads(open_payload(row.payload_text, cipher))
        flat: dict[str, Any] = {
            "seq": row.seq,
            "event_id": row.event_id,
            "kind": row.kind,
            "recorded_at": row.recorded_at,
        }
        flat.update((key, value) for key, value in payload.items() if key in _HEADERS)
        extra = {key: value for key, value in payload.items() if key not in _HEADERS}
        if extra:
            flat["details"] = json.dumps(extra, ensure_ascii=False)
        return [self._cell(key, flat.get(key)) for key in CSV_COLUMNS]

    def _cell(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if key in _TIMES:
            return self._local(str(value))
        if key in _CODED:
            return label(_CODED[key], str(value))
        return safe_cell(value)

    def _local(self, stamp: str) -> str:
        # Up to 100,000 rows a pull: the zone's offset is looked up once per UTC hour (French
        # zones change offset on the hour) and an f-string costs a third of strftime.
        utc = parse_utc(stamp)
        moment = utc + _offset(self.time_zone, utc.replace(minute=0, second=0, microsecond=0))
        return (
            f"{moment.day:02d}/{moment.month:02d}/{moment.year} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        )


@lru_cache(maxsize=4096)
def _offset(time_zone: str, hour: datetime) -> timedelta:
    return local_datetime(hour, time_zone).utcoffset() or timedelta(0)


def fund_sheet(fund: Fund) -> Sheet:
    """The sheet in the fund's own time: a CGSS de La Réunion reads Réunion times."""
    return Sheet(fund.time_zone, label(Kind.TERRITORY, fund.territory))
