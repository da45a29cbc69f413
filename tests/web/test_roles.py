from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World, sign_in

MANAGER_PAGES = [
    "/campagnes",
    "/campagnes/nouvelle",
    "/campagnes/{id}",
    "/campagnes/{id}/import",
    "/campagnes/{id}/agents",
]


@pytest.mark.parametrize("username", ["agent1", "dpo"])
def test_agent_and_dpo_cannot_open_manager_pages(
    client: TestClient, world: World, username: str
) -> None:
    token = sign_in(client, username)
    for path in MANAGER_PAGES:
        response = client.get(path.format(id=world.campaign_id))
        assert response.status_code == 403, path
        assert "Accès refusé" in response.text
    upload = client.post(
        f"/campagnes/{world.campaign_id}/import",
        data={"csrf_token": token},
        files={"fichier": ("a.csv", b"x;y\n")},
    )
    assert upload.status_code == 403
    assert client.get("/admin/utilisateurs").status_code == 403


def test_manager_cannot_open_admin_page(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    assert client.get("/admin/utilisateurs").status_code == 403


def test_home_routes_by_role(client: TestClient, world: World) -> None:
    sign_in(client, "admin")
    assert client.get("/").headers["location"] == "/admin/utilisateurs"
    assert client.get("/campagnes").status_code == 200  # admins manage campaigns too


def test_agent_home_lists_only_enabled_campaigns(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/agents")
    assert "Non habilité" in page.text
    from re import search

    match = search(r"/campagnes/\d+/agents/(\d+)/activer", page.text)
    assert match
    agent_id = match.group(1)
    enabled = client.post(
        f"/campagnes/{world.campaign_id}/agents/{agent_id}/activer", data={"csrf_token": token}
    )
    assert enabled.status_code == 303
    page = client.get(f"/campagnes/{world.campaign_id}/agents")
    assert "Habilité par gestion" in page.text
    assert ">1<" in client.get(f"/campagnes/{world.campaign_id}").text.replace("</dd>", "<")

    client.post("/deconnexion", data={"csrf_token": token})
    agent_token = sign_in(client, "agent1")
    assert "Grippe 2026" in client.get("/").text
    client.post("/deconnexion", data={"csrf_token": agent_token})

    token = sign_in(client, "gestion")
    removed = client.post(
        f"/campagnes/{world.campaign_id}/agents/{agent_id}/retirer", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    client.post("/deconnexion", data={"csrf_token": token})
    sign_in(client, "agent1")
    assert "Grippe 2026" not in client.get("/").text


def test_only_agents_can_be_enabled(client: TestClient, world: World, app) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from dialer.accounts import find_user

    with Session(app.state.runtime.engine) as db:
        dpo = find_user(db, "dpo")
        assert dpo is not None
        dpo_id = dpo.id
    token = sign_in(client, "gestion")
    response = client.post(
        f"/campagnes/{world.campaign_id}/agents/{dpo_id}/activer", data={"csrf_token": token}
    )
    assert response.status_code == 404 and "Agent introuvable" in response.text


def test_admin_creates_a_user_who_can_sign_in(client: TestClient, world: World) -> None:
    token = sign_in(client, "admin")
    bad = client.post(
        "/admin/utilisateurs",
        data={
            "csrf_token": token,
            "identifiant": "nouvel.agent",
            "nom": "Nouvel Agent",
            "role": "agent",
            "mot_de_passe": "court",
        },
    )
    assert bad.status_code == 400 and "au moins 12" in bad.text
    created = client.post(
        "/admin/utilisateurs",
        data={
            "csrf_token": token,
            "identifiant": "nouvel.agent",
            "nom": "Nouvel Agent",
            "role": "agent",
            "mot_de_passe": "un mot de passe solide",
        },
    )
    assert created.status_code == 303
    assert "Compte nouvel.agent créé" in client.get(created.headers["location"]).text
    duplicate = client.post(
        "/admin/utilisateurs",
        data={
            "csrf_token": token,
            "identifiant": "nouvel.agent",
            "nom": "Autre",
            "role": "agent",
            "mot_de_passe": "un mot de passe solide",
        },
    )
    assert duplicate.status_code == 400 and "déjà utilisé" in duplicate.text
    client.post("/deconnexion", data={"csrf_token": token})
    sign_in(client, "nouvel.agent", "un mot de passe solide")
    assert client.get("/campagnes").status_code == 403
