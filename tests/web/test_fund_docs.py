"""The fund API guide, its OpenAPI document and the download page."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_fund_openapi_has_only_the_fund_operations(app: FastAPI) -> None:
    schema = TestClient(app).get("/api/funds/openapi.json").json()
    assert schema["paths"]
    assert all(path.startswith("/api/funds/") for path in schema["paths"])
    results = schema["paths"]["/api/funds/{fund_code}/results"]["get"]
    assert "example" in results["responses"]["200"]["content"]["application/json"]


def test_guide_lists_each_operation_with_its_examples(app: FastAPI) -> None:
    page = TestClient(app).get("/api/docs")
    assert page.status_code == 200
    assert "GET /api/funds/{fund_code}/results" in page.text
    assert "<code>after</code>" in page.text and "application/x-ndjson" in page.text
    assert "<script>" not in page.text


def test_download_page_is_public_and_loads_its_script_from_the_app(app: FastAPI) -> None:
    page = TestClient(app).get("/caisses/resultats")
    assert page.status_code == 200
    assert 'src="/static/js/fund-download.js"' in page.text
    assert "Jeton d'API" in page.text


def test_guide_shows_real_json_and_says_which_format_keeps_codes(app: FastAPI) -> None:
    page = TestClient(app).get("/api/docs").text
    assert "&#34;has_more&#34;: false" in page or '"has_more": false' in page
    assert "False" not in page and "{&#39;" not in page and "{'" not in page
    assert "codes stables" in page and "heures locales" in page
    css = TestClient(app).get("/static/css/app.css").text
    assert "pre { white-space: pre-wrap" in css


def test_csv_example_is_what_the_sheet_writes(app: FastAPI) -> None:
    from dialer.compliance.feed.sheet import Sheet
    from web.fund_api.schemas import CSV_EXAMPLE

    header = CSV_EXAMPLE.split("\r\n")[0]
    assert header == ";".join(Sheet("Europe/Paris", "France métropolitaine").headers())
