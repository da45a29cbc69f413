"""The fund's spreadsheet: French headers, labels and local times; codes kept for programs."""

from __future__ import annotations

import json

from dialer.compliance.feed.reading import FeedRow
from dialer.compliance.feed.sheet import Sheet, fund_sheet
from dialer.compliance.feed.wire import CSV_COLUMNS, event_dict
from dialer.contacts.funds import Fund
from dialer.core.crypto import DataCipher

PAYLOAD = {
    "campaign": "GRIPPE-974", "row_ref": "R-9", "occurred_at": "2026-07-01T21:30:00Z",
    "channel": "call", "decision": "opt_out", "source": "call_outcome",
    "callback_at": "2026-07-02T06:00:00Z", "unexpected": "x",
}  # fmt: skip
ROW = FeedRow(5, "e-5", "consent_change", "2026-07-01 21:30:02.123456", json.dumps(PAYLOAD))


def test_headers_are_french_and_name_the_zone_of_the_times() -> None:
    sheet = fund_sheet(Fund(code="CGSS974", name="CGSS", kind="CGSS", territory="reunion",
                            time_zone="Indian/Reunion"))  # fmt: skip
    headers = sheet.headers()
    assert len(headers) == len(CSV_COLUMNS)
    assert headers[2:4] == ["Nature", "Enregistré le (heure locale, La Réunion)"]
    assert not any("_" in header for header in headers)


def test_a_row_shows_labels_and_local_times(cipher: DataCipher) -> None:
    sheet = Sheet("Indian/Reunion", "La Réunion")
    cells = dict(zip(sheet.headers(), sheet.row(ROW, cipher), strict=True))
    assert cells["Nature"] == "Autorisation de contact modifiée"
    assert cells["Enregistré le (heure locale, La Réunion)"] == "02/07/2026 01:30:02"  # UTC+4
    assert cells["Survenu le (heure locale, La Réunion)"] == "02/07/2026 01:30:00"
    assert cells["Rappel le (heure locale, La Réunion)"] == "02/07/2026 10:00:00"
    assert (cells["Canal"], cells["Décision"], cells["Origine"]) == (
        "appels sortants", "Refus", "Résultat d'appel",
    )  # fmt: skip
    assert cells["Autres informations"] == '{"unexpected": "x"}'
    assert cells["Texte"] == ""


def test_the_json_keeps_codes_and_utc(cipher: DataCipher) -> None:
    event = event_dict(ROW, cipher)
    assert event["kind"] == "consent_change"
    assert event["payload"]["decision"] == "opt_out"
    assert event["recorded_at"].endswith("Z")


def test_local_times_follow_daylight_saving_changes(cipher: DataCipher) -> None:
    sheet = Sheet("Europe/Paris", "France métropolitaine")
    shown = [
        sheet.row(FeedRow(1, "e", "wrong_person", stamp, "{}"), cipher)[3]
        for stamp in (
            "2026-03-29 00:59:59", "2026-03-29 01:00:00",  # spring forward at 01:00 UTC
            "2026-10-25 00:59:59", "2026-10-25 01:00:00",  # fall back at 01:00 UTC
        )
    ]  # fmt: skip
    assert shown == [
        "29/03/2026 01:59:59", "29/03/2026 03:00:00", "25/10/2026 02:59:59", "25/10/2026 02:00:00",
    ]  # fmt: skip
