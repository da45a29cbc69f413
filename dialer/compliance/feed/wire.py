"""How an event looks on the wire: a JSON object, an NDJSON line; the CSV's columns.

The stored payload text is spliced into the JSON as is; only the sealed NIR is
opened on the way out, by a string splice that cannot match inside a JSON string
value (a quote there is always escaped).
"""

from __future__ import annotations

import json
import re
from typing import Any

from dialer.compliance.feed.kinds import ENVELOPE_KEYS, EVENT_KEYS, NIR_PURPOSE, SEALED_NIR_KEY
from dialer.compliance.feed.reading import FeedRow
from dialer.core.crypto import DataCipher

_SEALED = re.compile(r'"' + SEALED_NIR_KEY + r'"\s*:\s*"([^"]*)"')
CSV_COLUMNS = ("seq", "event_id", "kind", "recorded_at", *ENVELOPE_KEYS, *EVENT_KEYS, "details")
# Spreadsheets run a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]\d+")


def recorded_at(row: FeedRow) -> str:
    return row.recorded_at.replace(" ", "T", 1) + "Z"


def open_payload(payload_text: str, cipher: DataCipher) -> str:
    """The payload JSON text with the sealed NIR opened as ``"nir"``."""
    match = _SEALED.search(payload_text)
    if match is None:
        return payload_text
    nir = cipher.decrypt(match.group(1), NIR_PURPOSE)
    return f'{payload_text[: match.start()]}"nir": {json.dumps(nir)}{payload_text[match.end() :]}'


def event_json(row: FeedRow, cipher: DataCipher) -> str:
    """One event as compact JSON text (no newline)."""
    payload = open_payload(row.payload_text, cipher)
    return (
        f'{{"seq": {row.seq}, "event_id": "{row.event_id}", "kind": "{row.kind}", '
        f'"recorded_at": "{recorded_at(row)}", "payload": {payload}}}'
    )


def event_dict(row: FeedRow, cipher: DataCipher) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(open_payload(row.payload_text, cipher))
    return {
        "seq": row.seq,
        "event_id": row.event_id,
        "kind": row.kind,
        "recorded_at": recorded_at(row),
        "payload": payload,
    }


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: JSON for structures, no formula."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text
