from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World, sign_in


@pytest.mark.parametrize(
    "path", ["/connexion", "/healthz", "/static/css/app.css", "/nulle-part", "/campagnes"]
)
def test_every_response_carries_the_security_headers(
    client: TestClient, world: World, path: str
) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "camera=()" in response.headers["permissions-policy"]


def test_pages_are_not_cached_and_have_no_inline_script_or_style(
    client: TestClient, world: World
) -> None:
    sign_in(client, "gestion")
    for path in (
        "/campagnes",
        "/campagnes/nouvelle",
        f"/campagnes/{world.campaign_id}",
        f"/campagnes/{world.campaign_id}/import",
        f"/campagnes/{world.campaign_id}/agents",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-store"
        assert (
            "<script>" not in page.text and " style=" not in page.text and "<style" not in page.text
        )
        assert "http://" not in page.text and "https://" not in page.text


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_readiness_reports_an_unreachable_database(client: TestClient, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    (tmp_path / "a-file").write_text("not a folder")
    app.state.runtime.engine = create_engine(f"sqlite:///{tmp_path}/a-file/db.sqlite3")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] == "injoignable"


def test_unexpected_error_gets_a_french_page_with_headers(app) -> None:  # type: ignore[no-untyped-def]
    def explode() -> None:
        raise RuntimeError("bug")

    app.add_api_route("/boom", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "Erreur interne" in response.text and "bug" not in response.text
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
