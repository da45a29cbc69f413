"""Session cookie flags, the login failures limit and the upload size limit.

The security headers of every route, as every role, are checked in test_role_matrix.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.territories import Territory
from dialer.core.settings import Settings
from tests.web.conftest import PASSWORD, World, csrf_of, sign_in
from web.main import create_app
from web.security.sessions import SESSION_COOKIE


def session_cookie(client: TestClient, username: str) -> str:
    token = csrf_of(client)
    response = client.post(
        "/connexion", data={"identifiant": username, "mot_de_passe": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    cookies: list[str] = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    (cookie,) = [c for c in cookies if c.startswith(f"{SESSION_COOKIE}=")]
    return cookie.lower()


def test_the_session_cookie_is_httponly_and_samesite_lax(client: TestClient, world: World) -> None:
    cookie = session_cookie(client, "gestion")
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie.replace("samesite", "")  # plain http in this setting


@pytest.fixture()
def secure_app(settings: Settings, password_hash: str) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"secure_cookies": True}))
    with Session(application.state.runtime.engine) as db:
        db.add(User(username="gestion", full_name="G", role="manager", password_hash=password_hash))
        db.commit()
    yield application
    application.state.web.imports.shutdown()
    application.state.runtime.engine.dispose()


def test_the_session_cookie_is_secure_when_asked(secure_app: FastAPI) -> None:
    with TestClient(secure_app, base_url="https://testserver", follow_redirects=False) as client:
        cookie = session_cookie(client, "gestion")
    assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_login_failures_from_one_address_are_limited(settings: Settings, world: World) -> None:
    strict = create_app(settings.model_copy(update={"login_address_failures": 20}))
    with TestClient(strict, follow_redirects=False) as client:
        _spend_the_address_budget(client)
    strict.state.web.imports.shutdown()
    strict.state.runtime.engine.dispose()


def _spend_the_address_budget(client: TestClient) -> None:
    token = csrf_of(client)

    def attempt(username: str, password: str) -> int:
        data = {"identifiant": username, "mot_de_passe": password, "csrf_token": token}
        status: int = client.post("/connexion", data=data).status_code
        return status

    # Names too long to exist still count: one address cannot spray them for free.
    statuses = [attempt(f"{n}" + "x" * 150, "faux") for n in range(18)]
    statuses += [attempt("gestion", "mauvais mot de passe") for _ in range(2)]
    assert statuses == [401] * 20
    blocked = client.post(
        "/connexion", data={"identifiant": "gestion", "mot_de_passe": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429 and "Trop de tentatives" in blocked.text
    # Even the right password is turned away: nobody got signed in.
    assert client.get("/campagnes").headers["location"].startswith("/connexion")


@pytest.fixture()
def small_upload_app(settings: Settings, password_hash: str) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"import_max_bytes": 2048}))
    yield application
    application.state.web.imports.shutdown()
    application.state.runtime.engine.dispose()


def test_an_oversized_upload_gets_413_and_a_large_one_a_french_400(
    small_upload_app: FastAPI, password_hash: str
) -> None:
    from tests.web.conftest import World as _World  # noqa: F401  (same users as the world)

    with Session(small_upload_app.state.runtime.engine) as db:
        db.add(User(username="gestion", full_name="G", role="manager", password_hash=password_hash))
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(db, "G-1", "Grippe", "flu_vaccination", fund, "0140000000")
        db.commit()
        campaign_id = campaign.id
    with TestClient(small_upload_app, follow_redirects=False) as client:
        token = sign_in(client, "gestion")
        target = f"/campagnes/{campaign_id}/import"
        huge = client.post(
            target,
            data={"csrf_token": token},
            files={"fichier": ("c.csv", b"a;b\n" * (600 * 1024))},
        )
        assert huge.status_code == 413 and "trop volumineuse" in huge.text
        over = client.post(
            target, data={"csrf_token": token}, files={"fichier": ("c.csv", b"a;b\n" * 1024)}
        )
        assert over.status_code == 400 and "taille maximale" in over.text
