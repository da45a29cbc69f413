"""The role matrix with the « Superviseur »: distinct from the campaign manager, it opens
the supervision wall and nothing else; no other role opens the wall."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.accounts import ROLE_LABELS_FR, Role
from dialer.accounts.models import User
from tests.web.conftest import PASSWORD, World, csrf_of, sign_in

SUPERVISION = ["/supervision", "/supervision/etat"]
OTHERS = ["/campagnes", "/campagnes/nouvelle", "/poste", "/dpo", "/admin/utilisateurs"]


@pytest.fixture()
def supervisor(app: FastAPI, world: World, password_hash: str) -> None:
    with Session(app.state.runtime.engine) as db:
        db.add(User(username="chef", full_name="Chef Test", role=Role.SUPERVISOR,
                    password_hash=password_hash, phone_endpoint="905"))  # fmt: skip
        db.commit()


def test_supervisor_is_its_own_role() -> None:
    assert Role("supervisor") is Role.SUPERVISOR
    assert ROLE_LABELS_FR[Role.SUPERVISOR] == "Superviseur"
    assert Role.SUPERVISOR != Role.MANAGER


def test_supervisor_opens_the_wall_only(client: TestClient, supervisor: None) -> None:
    sign_in_supervisor(client)
    assert client.get("/").headers["location"] == "/supervision"
    for path in SUPERVISION:
        assert client.get(path).status_code == 200, path
    for path in OTHERS:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Accès refusé" in response.text


@pytest.mark.parametrize("username", ["agent1", "gestion", "dpo", "admin"])
def test_no_other_role_opens_the_wall(client: TestClient, world: World, username: str) -> None:
    sign_in(client, username)
    for path in SUPERVISION:
        assert client.get(path).status_code == 403, (username, path)


def sign_in_supervisor(client: TestClient) -> None:
    token = csrf_of(client)
    answer = client.post(
        "/connexion", data={"identifiant": "chef", "mot_de_passe": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303
