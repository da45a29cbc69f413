"""The administrator gives each agent the phone the PBX rings for them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.accounts.models import User
from tests.web.conftest import PASSWORD, World, sign_in


def _phone(app: FastAPI, username: str) -> str | None:
    with Session(app.state.runtime.engine) as db:
        return db.exec(select(User).where(User.username == username)).one().phone_endpoint


def _agent_id(app: FastAPI) -> int:
    with Session(app.state.runtime.engine) as db:
        return db.exec(select(User).where(User.username == "agent1")).one().id or 0


def test_admin_creates_an_agent_with_a_phone_and_changes_it(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "admin")
    created = client.post(
        "/admin/utilisateurs",
        data={"identifiant": "agent5", "nom": "Agent Cinq", "role": "agent", "poste": "905",
              "mot_de_passe": PASSWORD, "csrf_token": token},
    )  # fmt: skip
    assert created.status_code == 303
    assert _phone(app, "agent5") == "905"
    page = client.get("/admin/utilisateurs")
    assert 'value="905"' in page.text and "Poste téléphonique" in page.text
    moved = client.post(
        f"/admin/utilisateurs/{_agent_id(app)}/poste", data={"poste": "903", "csrf_token": token}
    )
    assert moved.status_code == 303
    assert _phone(app, "agent1") == "903"


@pytest.mark.parametrize("bad", ["9 03", "903&PJSIP/904", "903,20", "PJSIP/903\r\nAction: Hangup"])
def test_an_unsafe_phone_is_refused_in_french_and_nothing_changes(
    client: TestClient, world: World, app: FastAPI, bad: str
) -> None:
    token = sign_in(client, "admin")
    before = _phone(app, "agent1")
    refused = client.post(
        f"/admin/utilisateurs/{_agent_id(app)}/poste", data={"poste": bad, "csrf_token": token}
    )
    assert refused.status_code == 400
    assert "Poste téléphonique invalide" in refused.text
    assert _phone(app, "agent1") == before
    created = client.post(
        "/admin/utilisateurs",
        data={"identifiant": "agent6", "nom": "Agent Six", "role": "agent", "poste": bad,
              "mot_de_passe": PASSWORD, "csrf_token": token},
    )  # fmt: skip
    assert created.status_code == 400 and "Poste téléphonique invalide" in created.text


def test_only_an_administrator_sets_a_phone(client: TestClient, world: World, app: FastAPI) -> None:
    token = sign_in(client, "gestion")
    response = client.post(
        f"/admin/utilisateurs/{_agent_id(app)}/poste", data={"poste": "909", "csrf_token": token}
    )
    assert response.status_code == 403
    assert _phone(app, "agent1") == "901"
