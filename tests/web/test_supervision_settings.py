"""A campaign's managers set its transfer destinations, supervisors and listening policy."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.supervision import CampaignSupervisor, SupervisionPolicy, TransferDestination
from tests.web.conftest import World, sign_in


def test_manager_configures_supervision(
    client: TestClient, app: FastAPI, world: World, password_hash: str
) -> None:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        db.add(User(username="chef", full_name="Chef Test", role="supervisor",
                    password_hash=password_hash))  # fmt: skip
        db.commit()
        chef_id = db.exec(select(User.id).where(User.username == "chef")).one()
    token = sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/supervision"
    assert "Aucune destination" in client.get(base).text

    bad = client.post(f"{base}/destinations",
                      data={"libelle": "Caisse", "cible": "01 98 76 54 32", "type": "fund",
                            "csrf_token": token})  # fmt: skip
    assert bad.status_code == 400 and "Destination de transfert invalide" in bad.text
    assert 'value="01 98 76 54 32"' in bad.text  # what was typed is kept
    good = {"libelle": "Caisse", "cible": "+33 1 98 76 54 32", "type": "fund", "csrf_token": token}
    assert client.post(f"{base}/destinations", data=good).status_code == 303
    again = client.post(f"{base}/destinations", data=good)
    assert again.status_code == 400 and "déjà dans la liste" in again.text
    enable = {"superviseur": str(chef_id), "csrf_token": token}
    assert client.post(f"{base}/superviseurs", data=enable).status_code == 303
    hidden = {"ecoute_visible": "non", "csrf_token": token}
    assert client.post(f"{base}/politique", data=hidden).status_code == 303
    with Session(engine) as db:
        (row,) = db.exec(select(TransferDestination)).all()
        assert (row.target, row.kind) == ("+33198765432", "fund")
        assert db.exec(select(CampaignSupervisor.user_id)).all() == [chef_id]
        policy = db.get(SupervisionPolicy, world.campaign_id)
        assert policy is not None and policy.show_listening is False
    removed = client.post(f"{base}/destinations/{row.id}/retirer", data={"csrf_token": token})
    assert removed.status_code == 303
    with Session(engine) as db:
        assert db.exec(select(TransferDestination)).all() == []


def test_agents_cannot_configure_supervision(client: TestClient, world: World) -> None:
    token = sign_in(client, "agent1")
    base = f"/campagnes/{world.campaign_id}/supervision"
    assert client.get(base).status_code == 403
    form = {"libelle": "x", "cible": "905", "type": "fund", "csrf_token": token}
    posted = client.post(f"{base}/destinations", data=form)
    assert posted.status_code == 403
