from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.accounts import LOGIN_FAILED_FR, find_user, set_password
from dialer.accounts.models import LoginThrottle
from tests.web.conftest import PASSWORD, World, csrf_of, sign_in
from web.security.sessions import SESSION_COOKIE


def _post_login(client: TestClient, username: str, password: str) -> object:
    token = csrf_of(client)
    return client.post(
        "/connexion", data={"identifiant": username, "mot_de_passe": password, "csrf_token": token}
    )


def test_login_rotates_session_and_redirects_manager_to_campaigns(
    client: TestClient, world: World
) -> None:
    anonymous_token = csrf_of(client)
    anonymous_cookie = client.cookies[SESSION_COOKIE]
    response = client.post(
        "/connexion",
        data={"identifiant": "gestion", "mot_de_passe": PASSWORD, "csrf_token": anonymous_token},
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()
    assert client.cookies[SESSION_COOKIE] != anonymous_cookie
    assert csrf_of(client, "/campagnes") != anonymous_token
    home = client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/campagnes"
    page = client.get("/campagnes")
    assert "Gestion Test" in page.text and "Gestionnaire de campagnes" in page.text


def test_secure_cookie_flag_when_configured(settings, world: World) -> None:  # type: ignore[no-untyped-def]
    from web.main import create_app

    secure = create_app(settings.model_copy(update={"secure_cookies": True}))
    with TestClient(secure, base_url="https://testserver", follow_redirects=False) as client:
        response = client.get("/connexion")
        assert "secure" in response.headers["set-cookie"].lower()
    secure.state.web.imports.shutdown()


def test_failed_login_says_the_same_for_unknown_and_wrong(client: TestClient, world: World) -> None:
    wrong = _post_login(client, "gestion", "pas le bon mot de passe")
    unknown = _post_login(client, "inconnu", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert LOGIN_FAILED_FR.replace("'", "&#39;") in response.text  # type: ignore[attr-defined]
    assert client.get("/campagnes").status_code == 303


def test_account_waits_after_repeated_failures(
    client: TestClient, world: World, app: FastAPI
) -> None:
    for attempt in range(3):
        assert _post_login(client, "gestion", f"faux {attempt}").status_code == 401  # type: ignore[attr-defined]
    waiting = _post_login(client, "gestion", PASSWORD)
    assert waiting.status_code == 429 and waiting.headers["retry-after"] == "2"  # type: ignore[attr-defined]
    with Session(app.state.runtime.engine) as db:
        row = db.exec(select(LoginThrottle).where(LoginThrottle.key == "gestion")).one()
        assert row.blocked_until is not None
        # Past the wait the right password works again.
        row.blocked_until -= timedelta(seconds=2)
        db.add(row)
        db.commit()
    assert _post_login(client, "gestion", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_logout_revokes_the_old_cookie(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    old_cookie = client.cookies[SESSION_COOKIE]
    response = client.post("/deconnexion", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/connexion"
    assert client.get("/campagnes").status_code == 303
    client.cookies.set(SESSION_COOKIE, old_cookie)
    replay = client.get("/campagnes")
    assert replay.status_code == 303 and replay.headers["location"].startswith("/connexion")


def test_password_change_ends_existing_sessions(
    client: TestClient, world: World, app: FastAPI
) -> None:
    sign_in(client, "gestion")
    assert client.get("/campagnes").status_code == 200
    with Session(app.state.runtime.engine) as db:
        user = find_user(db, "gestion")
        assert user is not None
        set_password(db, user, "un tout nouveau mot de passe")
        db.commit()
    assert client.get("/campagnes").status_code == 303


def test_unauthenticated_page_redirects_and_api_gets_401(client: TestClient, world: World) -> None:
    page = client.get(f"/campagnes/{world.campaign_id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/connexion?suite=/campagnes/{world.campaign_id}"
    api = client.get(f"/api/campagnes/{world.campaign_id}/imports/abcdefghij")
    assert api.status_code == 401
    assert api.json()["detail"].startswith("Authentification requise")


def test_next_parameter_is_never_an_open_redirect(client: TestClient, world: World) -> None:
    token = csrf_of(client)
    response = client.post(
        "/connexion",
        data={
            "identifiant": "gestion",
            "mot_de_passe": PASSWORD,
            "csrf_token": token,
            "suite": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_csrf_missing_or_wrong_is_refused(client: TestClient, world: World) -> None:
    csrf_of(client)
    missing = client.post("/connexion", data={"identifiant": "gestion", "mot_de_passe": PASSWORD})
    assert missing.status_code == 403
    assert "Jeton de sécurité (CSRF)" in missing.text
    token = sign_in(client, "gestion")
    wrong = client.post("/deconnexion", data={"csrf_token": token[:-2] + "xx"})
    assert wrong.status_code == 403
    assert client.get("/campagnes").status_code == 200  # still signed in
    no_cookie = TestClient(client.app, follow_redirects=False)
    assert no_cookie.post("/deconnexion", data={"csrf_token": token}).status_code == 403
