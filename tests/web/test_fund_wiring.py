"""The fund API as the app mounts it: token auth, own feed only, every pull traced."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.feed.tokens import create_token
from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import Person
from dialer.core.db import session_scope
from tests.web.conftest import World


def _person(db: Session, fund_id: int) -> int:
    person = Person(
        audience="insured", identity_key="k1", fund_id=fund_id, territory="metro",
        time_zone="Europe/Paris", last_name="MARTIN",
    )  # fmt: skip
    db.add(person)
    db.flush()
    return person.id or 0


def test_a_pull_is_traced_and_another_fund_sees_nothing(app: FastAPI, world: World) -> None:
    engine = app.state.runtime.engine
    with session_scope(engine) as db:
        person_id = _person(db, world.fund_id)
        emit_event(db, world.fund_id, "rectification", {"field": "email", "value": "a@b.fr"},
                   campaign_id=world.campaign_id, person_id=person_id)  # fmt: skip
        token = create_token(db, world.fund_id, "essai")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/api/funds/CPAM75/results", params={"after": 0}, headers=headers)
    assert page.status_code == 200
    assert [e["seq"] for e in page.json()["events"]] == [1]
    other = client.get("/api/funds/CGSS974/results", headers=headers)
    assert other.status_code in (403, 404) and "events" not in other.text
    with Session(engine) as db:
        [entry] = db.exec(select(AccessEntry).where(AccessEntry.action == "feed_pull")).all()
        assert entry.actor == "caisse:CPAM75" and entry.detail == "événements 1 à 1"
        assert verify_chain(db) == []


def _feed_pulls(app: FastAPI) -> list[AccessEntry]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(AccessEntry).where(AccessEntry.action == "feed_pull")))


def test_every_download_of_the_feed_leaves_one_trail_entry(app: FastAPI, world: World) -> None:
    """What the download page fetches (CSV with BOM), NDJSON, and one event re-read."""
    engine = app.state.runtime.engine
    with session_scope(engine) as db:
        person_id = _person(db, world.fund_id)
        for value in ("a@b.fr", "c@d.fr"):
            emit_event(db, world.fund_id, "rectification", {"field": "email", "value": value},
                       campaign_id=world.campaign_id, person_id=person_id)  # fmt: skip
        token = create_token(db, world.fund_id, "page")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    url = "/api/funds/CPAM75/results"
    downloads = [
        client.get(url, params={"format": "csv", "bom": "true"}, headers=headers),
        client.get(url, params={"format": "ndjson"}, headers=headers),
        client.get(url, params={"after": 0}, headers=headers),
    ]
    assert all(d.status_code == 200 for d in downloads)
    assert "c@d.fr" in downloads[0].text
    event_id = downloads[2].json()["events"][1]["event_id"]
    assert client.get(f"{url}/{event_id}", headers=headers).status_code == 200
    entries = _feed_pulls(app)
    assert [e.detail for e in entries] == [
        "événements 1 à 2", "événements 1 à 2", "événements 1 à 2", "événements 2 à 2",
    ]  # fmt: skip
    assert client.get(url, params={"after": 2}, headers=headers).status_code == 200
    assert len(_feed_pulls(app)) == 4  # nothing read, nothing traced
