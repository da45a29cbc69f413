"""Pulling the feed: cursor paging, streamed NDJSON and CSV, negotiation, bad input."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.feed import emit_event
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import NIR, bulk_events
from tests.web.fund_api.conftest import Api

A = "/api/funds/CPAM75/results"


def test_json_pages_follow_the_cursor(engine: Engine, cipher: DataCipher, api: Api) -> None:
    bulk_events(engine, cipher, api.world.fund_a, 1500)
    first = api.get(A, api.token_a, params={"limit": 1000}).json()
    assert [e["seq"] for e in first["events"]] == list(range(1, 1001))
    assert first["next_after"] == 1000 and first["has_more"] is True
    assert first["events"][0]["payload"]["nir"] == NIR
    assert "nir_sealed" not in json.dumps(first)
    second = api.get(A, api.token_a, params={"after": first["next_after"]}).json()
    assert [e["seq"] for e in second["events"]] == list(range(1001, 1501))
    assert second["next_after"] == 1500 and second["has_more"] is False
    empty = api.get(A, api.token_a, params={"after": 1500}).json()
    assert empty == {"events": [], "next_after": 1500, "has_more": False}
    assert api.reads[:2] == [
        (api.world.fund_a, 1, 1000, "testclient"),
        (api.world.fund_a, 1001, 1500, "testclient"),
    ]
    assert api.reads[2] == (api.world.fund_a, None, None, "testclient")


def test_ndjson_streams_exactly_the_events_after_the_cursor(
    engine: Engine, cipher: DataCipher, api: Api, live_url: str
) -> None:
    bulk_events(engine, cipher, api.world.fund_a, 12_000)  # more than two reading pages
    headers = {"Authorization": f"Bearer {api.token_a}", "Accept": "application/x-ndjson"}
    seqs: list[int] = []
    with (
        httpx.Client(base_url=live_url) as client,
        client.stream("GET", A, params={"after": 37, "limit": 100_000}, headers=headers) as reply,
    ):
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("application/x-ndjson")
        assert reply.headers["x-feed-last-seq"] == "12000"
        for line in reply.iter_lines():
            event = json.loads(line)
            assert event["payload"]["nir"] == NIR
            seqs.append(event["seq"])
    assert seqs == list(range(38, 12_001))
    limited = httpx.get(
        f"{live_url}{A}", params={"after": 5, "limit": 7000, "format": "ndjson"}, headers=headers
    )
    assert [json.loads(line)["seq"] for line in limited.text.splitlines()] == list(range(6, 7006))
    assert (api.world.fund_a, 38, 12_000, "127.0.0.1") in api.reads


def test_csv_is_a_french_spreadsheet_flat_semicolon_separated_and_safe(
    engine: Engine, api: Api
) -> None:
    with Session(engine) as session:
        for text in ('=HYPERLINK("http://x")', "Rappeler; demande de « remboursement »"):
            emit_event(
                session,
                api.world.fund_a,
                "followup_request",
                {"category": "remboursement", "text": text},
                campaign_id=api.world.campaign_a,
                person_id=api.world.person_a,
            )
        emit_event(
            session,
            api.world.fund_a,
            "contact_change",
            {"field": "phone", "value": "+33699999999"},
            campaign_id=api.world.campaign_a,
            person_id=api.world.person_a,
        )
        session.commit()
    reply = api.get(A, api.token_a, params={"format": "csv", "bom": "true", "after": 0})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in reply.headers["content-disposition"]
    text = reply.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    recorded = "Enregistré le (heure locale, France métropolitaine)"
    assert list(rows[0])[:5] == ["N°", "Identifiant de l'événement", "Nature", recorded, "Campagne"]
    assert [row["N°"] for row in rows] == ["1", "2", "3"]
    assert [row["Nature"] for row in rows[1:]] == ["Demande de suivi", "Nouvelle coordonnée"]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", rows[0][recorded])
    assert rows[0]["Texte"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["Texte"] == "Rappeler; demande de « remboursement »"
    assert rows[2]["Donnée"] == "Téléphone" and rows[2]["Nouvelle valeur"] == "+33699999999"
    assert all(row["NIR"] == NIR and row["Référence de la ligne"] == "L-0001" for row in rows)
    after_two = api.get(A, api.token_a, params={"format": "csv", "after": 2}).text
    assert not after_two.startswith("\ufeff")
    assert [row["N°"] for row in csv.DictReader(io.StringIO(after_two), delimiter=";")] == ["3"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/x-ndjson", "application/x-ndjson"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/csv;q=0.5, application/json", "application/json"),
        ("*/*", "application/json"),
    ],
)
def test_the_accept_header_chooses_the_format(
    engine: Engine, cipher: DataCipher, api: Api, accept: str, expected: str
) -> None:
    bulk_events(engine, cipher, api.world.fund_a, 3)
    reply = api.get(A, api.token_a, headers={"Accept": accept})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == expected


def test_an_unavailable_format_is_406(api: Api) -> None:
    reply = api.get(A, api.token_a, headers={"Accept": "image/png"})
    assert reply.status_code == 406
    assert "text/csv" in reply.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"after": "-1"},
        {"after": "abc"},
        {"after": str(2**70)},
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "100001", "format": "ndjson"},
        {"format": "xml"},
        {"bom": "peut-être"},
    ],
)
def test_bad_parameters_are_422_never_500(api: Api, params: dict[str, str]) -> None:
    reply = api.get(A, api.token_a, params=params)
    assert reply.status_code == 422
    assert reply.json()["detail"]


def test_the_limit_message_says_what_to_do(api: Api) -> None:
    reply = api.get(A, api.token_a, params={"limit": 5000})
    assert "au plus 1\u202f000 en json" in reply.json()["detail"]


def test_one_event_by_its_id(engine: Engine, cipher: DataCipher, api: Api) -> None:
    bulk_events(engine, cipher, api.world.fund_a, 3)
    second = api.get(A, api.token_a).json()["events"][1]
    reply = api.get(f"{A}/{second['event_id']}", api.token_a)
    assert reply.status_code == 200
    assert reply.json() == second
    missing = api.get(f"{A}/00000000-0000-4000-8000-000000000000", api.token_a)
    assert missing.status_code == 404
    assert api.get(f"{A}/not-a-uuid", api.token_a).status_code == 422


def test_the_openapi_document_describes_the_fund_api(api: Api) -> None:
    document = api.app.openapi()
    operation = document["paths"]["/api/funds/{fund_code}/results"]["get"]
    assert operation["tags"] == ["Caisses"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson", "text/csv"}
    assert content["application/json"]["example"]["events"][0]["kind"] == "contact_change"
    assert {"401", "403", "422"} <= set(operation["responses"])
    after = next(p for p in operation["parameters"] if p["name"] == "after")
    assert "examples" in after
    assert "HTTPBearer" in document["components"]["securitySchemes"]
