"""Walk what the centre's staff read (desk, campaigns, contacts, reports, wall, DPO home):
no internal code, no ISO or UTC time, every label from ``dialer.wording``.

The world of ``conftest`` is extended with staff and states a code could leak from: the
agent paused on the campaign, the contact done because the person accepted the offer,
the campaign paused, and the wave's pacing shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.accounts import hash_password
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.models import Campaign, CampaignAgent, CampaignStatus
from dialer.campaigns.supervision import CampaignSupervisor
from dialer.campaigns.waves import schedule_wave
from dialer.contacts.people.models import CampaignContact, ContactStatus
from tests.dialer.wording.scan import leaks, visible_text
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.wording.conftest import World

STAFF = (("gestion", "manager"), ("agent1", "agent"), ("superv", "supervisor"), ("dpo2", "dpo"))


def _staff(world: World) -> int:
    """Adds the staff and the states to read; returns the campaign's id."""
    with Session(world.app.state.runtime.engine) as db:
        campaign = db.exec(select(Campaign)).one()
        campaign_id = campaign.id or 0
        users = {}
        for username, role in STAFF:
            user = User(username=username, full_name=username.title(), role=role,
                        password_hash=hash_password(PASSWORD))  # fmt: skip
            db.add(user)
            db.flush()
            users[role] = user.id or 0
        db.add(CampaignAgent(campaign_id=campaign_id, user_id=users["agent"], enabled_by="gestion"))
        db.add(CampaignSupervisor(campaign_id=campaign_id, user_id=users["supervisor"],
                                  enabled_by="gestion"))  # fmt: skip
        db.add(AgentPresence(user_id=users["agent"], campaign_id=campaign_id, state="paused",
                             pause_reason="Formation"))  # fmt: skip
        contacts = db.exec(select(CampaignContact).order_by(col(CampaignContact.id))).all()
        for contact, reason in zip(contacts, ("offer_accepted", "purged"), strict=True):
            contact.status, contact.done_reason = ContactStatus.DONE, reason
            contact.last_result = "answered"
            db.add(contact)
        start = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=1)
        schedule_wave(db, campaign_id, "Vague d'hiver", start, start + timedelta(hours=8),
                      "all", {}, {}, "predictive")  # fmt: skip
        campaign.status = CampaignStatus.PAUSED
        db.add(campaign)
        db.commit()
    return campaign_id


def _contact_ids(world: World) -> list[int]:
    with Session(world.app.state.runtime.engine) as db:
        return [
            c.id or 0 for c in db.exec(select(CampaignContact).order_by(col(CampaignContact.id)))
        ]


def _signed_in(world: World, username: str) -> TestClient:
    client = TestClient(world.app, follow_redirects=False)
    form = {"identifiant": username, "mot_de_passe": PASSWORD, "csrf_token": csrf_of(client)}
    assert client.post("/connexion", data=form).status_code == 303
    return client


def _page(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return visible_text(response.text)


def _outputs(world: World, campaign_id: int) -> Iterator[tuple[str, str]]:
    with _signed_in(world, "gestion") as manager:
        base = f"/campagnes/{campaign_id}"
        yield "liste des campagnes", _page(manager, "/campagnes")
        yield "page de la campagne", _page(manager, base)
        for page in ("vagues", "tableau", "supervision", "relances", "modifier"):
            yield f"campagne : {page}", _page(manager, f"{base}/{page}")
        yield "liste des contacts", _page(manager, f"{base}/contacts")
        for contact_id in _contact_ids(world):
            yield (
                f"explication du contact {contact_id}",
                _page(manager, f"{base}/contacts/{contact_id}/explication"),
            )
        yield "rapports", _page(manager, f"{base}/rapports")
        for table in ("heures", "jours", "agents"):
            export = manager.get(f"{base}/rapports/export.csv", params={"tableau": table})
            assert export.status_code == 200
            yield f"rapport CSV ({table})", export.content.decode("utf-8-sig")
    with _signed_in(world, "agent1") as agent:
        yield "poste agent", _page(agent, "/poste")
        state = agent.get("/poste/etat")
        assert state.status_code == 200
        yield "état du poste", str(state.json().get("state_label"))
    with _signed_in(world, "superv") as supervisor:
        yield "mur de supervision", _page(supervisor, "/supervision")
    with _signed_in(world, "dpo2") as dpo:
        yield "accueil du DPO", _page(dpo, "/dpo")
        yield "conservation", _page(dpo, "/dpo/conservation")


def test_no_internal_code_or_utc_time_reaches_the_staff(world: World) -> None:
    found = {name: leaks(text) for name, text in _outputs(world, _staff(world))}
    assert len(found) == 19
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_walk_reads_the_labels_of_the_vocabulary(world: World) -> None:
    texts = dict(_outputs(world, _staff(world)))
    # Once « Terminé (offer_accepted) » and « Décroché »: one vocabulary now.
    assert "Terminé (offre acceptée)" in texts["liste des contacts"]
    assert "Appel abouti" in texts["liste des contacts"]
    assert "En pause" in texts["liste des campagnes"]
    assert "En pause" in texts["page de la campagne"]
    assert "Prédictif" in texts["campagne : vagues"] and "Programmée" in texts["campagne : vagues"]
    assert "Appel abandonné (aucun agent libre)" in texts["campagne : relances"]
    assert texts["état du poste"] == "En pause"
    first, second = _contact_ids(world)
    assert "la personne a accepté l'offre" in texts[f"explication du contact {first}"]
    assert "purgées (fin de conservation)" in texts[f"explication du contact {second}"]
    assert "En pause" in texts["mur de supervision"]
    assert "heure de Paris" in texts["conservation"] and "Purge prévue" in texts["accueil du DPO"]
