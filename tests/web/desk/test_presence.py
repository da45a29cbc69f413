"""The desk's presence: join an enabled campaign, go available, pause with a reason, leave."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.models import CampaignAgent
from tests.web.conftest import World, sign_in


def enable(app: FastAPI, campaign_id: int, username: str) -> int:
    with Session(app.state.runtime.engine) as db:
        user = db.exec(select(User).where(User.username == username)).one()
        db.add(CampaignAgent(campaign_id=campaign_id, user_id=user.id or 0, enabled_by="t"))
        db.commit()
        return user.id or 0


def state_of(app: FastAPI, user_id: int) -> tuple[str, str | None, int | None]:
    with Session(app.state.runtime.engine) as db:
        row = db.get(AgentPresence, user_id)
        assert row is not None
        return row.state, row.pause_reason, row.campaign_id


def test_agent_joins_goes_available_pauses_and_leaves(
    app: FastAPI, client: TestClient, world: World
) -> None:
    user_id = enable(app, world.campaign_id, "agent1")
    token = sign_in(client, "agent1")
    page = client.get("/poste")
    assert page.status_code == 200
    assert "Grippe 2026 (GRIPPE-1)" in page.text and 'for="campagne"' in page.text
    joined = client.post(
        "/poste/campagne", data={"campagne": world.campaign_id, "csrf_token": token}
    )
    assert joined.status_code == 303
    assert state_of(app, user_id) == ("paused", None, world.campaign_id)
    client.post("/poste/disponible", data={"csrf_token": token})
    assert state_of(app, user_id)[0] == "available"
    assert "En attente d'un appel" in client.get("/poste").text
    bad = client.post("/poste/pause", data={"motif": "Sieste", "csrf_token": token})
    assert bad.status_code == 409 and "motif de pause dans la liste" in bad.text
    assert state_of(app, user_id)[0] == "available"
    client.post("/poste/pause", data={"motif": "Formation", "csrf_token": token})
    assert state_of(app, user_id) == ("paused", "Formation", world.campaign_id)
    assert "En pause (Formation)" in client.get("/poste").text
    client.post("/poste/quitter", data={"csrf_token": token})
    assert state_of(app, user_id) == ("logged_out", None, None)
    refused = client.post("/poste/pause", data={"motif": "Formation", "csrf_token": token})
    assert refused.status_code == 409
    assert "Action impossible maintenant : votre état est « Hors campagne »." in refused.text


def test_a_campaign_the_agent_is_not_enabled_on_is_refused(
    app: FastAPI, client: TestClient, world: World
) -> None:
    token = sign_in(client, "agent1")
    page = client.get("/poste")
    assert "un gestionnaire doit vous habiliter" in page.text
    refused = client.post(
        "/poste/campagne", data={"campagne": world.campaign_id, "csrf_token": token}
    )
    assert refused.status_code == 409
    assert "pas habilité" in refused.text


def test_state_endpoint_reports_the_call_to_show_again(
    app: FastAPI, client: TestClient, world: World
) -> None:
    enable(app, world.campaign_id, "agent1")
    token = sign_in(client, "agent1")
    client.post("/poste/campagne", data={"campagne": world.campaign_id, "csrf_token": token})
    state = client.get("/poste/etat").json()
    assert state["state"] == "paused" and state["attempt_id"] is None
    assert state["contact_id"] is None
    assert state["state_label"] == "En pause"
