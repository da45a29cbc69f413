from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.accounts import hash_password
from dialer.accounts.models import User
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.territories import Territory
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from web.main import close_state, create_app

PASSWORD = "mot de passe de test"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def _install(folder: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{folder}/t.sqlite3",
        data_key_file=folder / "keys.json",
        embedded_pbx=False,
        demo_data=False,
        import_batch_size=50,
    )


@pytest.fixture(scope="session")
def prestarted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One install prestarted a run (migrations are the slow part), copied by each test."""
    folder = tmp_path_factory.mktemp("prestarted")
    prestart(_install(folder))
    return folder


@pytest.fixture()
def settings(tmp_path: Path, prestarted: Path) -> Settings:
    """Settings of a prestarted install (key file, schema, scripts): what apps expect."""
    for name in ("t.sqlite3", "keys.json"):
        shutil.copy2(prestarted / name, tmp_path / name)
    return _install(tmp_path)


@pytest.fixture()
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    close_state(application.state.web)
    application.state.runtime.engine.dispose()


@dataclass
class World:
    fund_id: int
    campaign_id: int


@pytest.fixture(scope="session")
def password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared test password once per run.
    return hash_password(PASSWORD)


@pytest.fixture()
def world(app: FastAPI, password_hash: str) -> World:
    """Four people, one per role, a fund and a flu campaign."""
    with Session(app.state.runtime.engine, expire_on_commit=False) as db:
        for username, role in (
            ("agent1", "agent"),
            ("gestion", "manager"),
            ("dpo", "dpo"),
            ("admin", "admin"),
        ):
            db.add(
                User(
                    username=username,
                    full_name=f"{username.title()} Test",
                    role=role,
                    password_hash=password_hash,
                    phone_endpoint="901" if role == "agent" else None,
                )
            )
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(
            db, "GRIPPE-1", "Grippe 2026", "flu_vaccination", fund, "0140000000"
        )
        db.commit()
        assert fund.id is not None and campaign.id is not None
        return World(fund_id=fund.id, campaign_id=campaign.id)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/connexion") -> str:
    page = client.get(path)
    match = CSRF_INPUT.search(page.text)
    assert match, f"no CSRF field on {path}: {page.status_code}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Signs in and returns the CSRF token of the new session."""
    token = csrf_of(client)
    response = client.post(
        "/connexion", data={"identifiant": username, "mot_de_passe": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    landing = "/campagnes" if username in ("gestion", "admin") else "/"
    home = client.get(landing)
    if home.status_code == 303:  # the home page sends a role to its own (the supervisor's wall)
        landing = home.headers["location"]
    return csrf_of(client, landing)
