"""Sessions are refused by every web process at once, and after restarts.

Production runs several web processes over one database: two ``create_app`` on the
same database stand for them, a third one, built later, for a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.accounts import find_user, set_password
from dialer.accounts.models import User
from dialer.accounts.users import disable_user
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from tests.web.conftest import sign_in
from web.main import create_app
from web.security.sessions import SESSION_COOKIE

SIGNED_IN_PAGE = "/campagnes"


@pytest.fixture()
def shared_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_key_file=tmp_path / "keys.json",
        embedded_pbx=False,
        demo_data=False,
    )


def _app(settings: Settings) -> FastAPI:
    prestart(settings)
    return create_app(settings)


def _close(app: FastAPI) -> None:
    app.state.web.imports.shutdown()
    app.state.runtime.engine.dispose()


@pytest.fixture()
def two_apps(shared_settings: Settings, password_hash: str) -> Iterator[tuple[FastAPI, FastAPI]]:
    first, second = _app(shared_settings), _app(shared_settings)
    with Session(first.state.runtime.engine) as db:
        for name, role in (("gestion", "manager"), ("admin", "admin")):
            db.add(User(username=name, full_name=name, role=role, password_hash=password_hash))
        db.commit()
    yield first, second
    _close(first)
    _close(second)


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def _signed_in(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get(SIGNED_IN_PAGE)
    assert page.status_code in (200, 303), page.text
    return page.status_code == 200


def test_signing_out_on_one_process_ends_the_session_on_the_others_and_after_restart(
    two_apps: tuple[FastAPI, FastAPI], shared_settings: Settings
) -> None:
    first, second = two_apps
    with _client(first) as one, _client(second) as two:
        token = sign_in(one, "gestion")
        cookie = one.cookies[SESSION_COOKIE]
        other_token = sign_in(two, "admin")
        other_cookie = two.cookies[SESSION_COOKIE]
        assert _signed_in(two, cookie), "a session opened on one process works on the other"
        _signed_in(two, other_cookie)
        one.post("/deconnexion", data={"csrf_token": token})
        assert not _signed_in(two, cookie), "signed out on the first process"
        assert _signed_in(two, other_cookie), "another user's session is untouched"
        assert other_token
    restarted = _app(shared_settings)
    try:
        with _client(restarted) as three:
            assert not _signed_in(three, cookie), "the revocation outlives a restart"
            assert _signed_in(three, other_cookie)
    finally:
        _close(restarted)


def test_disabling_an_account_ends_its_sessions_for_good(
    two_apps: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_apps
    with _client(first) as one, _client(second) as two:
        sign_in(one, "gestion")
        cookie = one.cookies[SESSION_COOKIE]
        with Session(first.state.runtime.engine) as db:
            user = find_user(db, "gestion")
            assert user is not None
            disable_user(db, user)
            db.commit()
        assert not _signed_in(two, cookie)
        with Session(first.state.runtime.engine) as db:
            user = find_user(db, "gestion")
            assert user is not None
            user.active = True  # enabled again: the old sessions stay closed
            db.add(user)
            db.commit()
        assert not _signed_in(one, cookie)
        assert not _signed_in(two, cookie)


def test_a_password_change_ends_the_sessions_opened_before_it(
    two_apps: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_apps
    with _client(first) as one, _client(second) as two:
        sign_in(one, "gestion")
        cookie = one.cookies[SESSION_COOKIE]
        with Session(first.state.runtime.engine) as db:
            user = find_user(db, "gestion")
            assert user is not None
            set_password(db, user, "un tout nouveau mot de passe")
            db.commit()
        assert not _signed_in(two, cookie)
        two.cookies.clear()
        sign_in(two, "gestion", "un tout nouveau mot de passe")
        assert _signed_in(one, two.cookies[SESSION_COOKIE]), "a new session works everywhere"
