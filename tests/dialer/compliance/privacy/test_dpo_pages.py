"""The DPO's pages (web/privacy_pages) through the real app, CSRF and roles included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from consent import ledger
from dialer.accounts import hash_password
from dialer.accounts.models import User
from dialer.campaigns.importing.pipeline import import_contacts
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import Person
from dialer.contacts.territories import Territory
from dialer.core.settings import Settings
from dialer.demo.contact_file import write_contact_file
from dialer.operations.prestart import prestart
from tests.web.conftest import PASSWORD, csrf_of
from web.main import create_app
from web.privacy_pages.router import router


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/t.sqlite3", data_key_file=tmp_path / "keys.json",
        embedded_pbx=False, demo_data=False,
    )  # fmt: skip
    prestart(settings)
    application = create_app(settings)
    application.include_router(router)  # what the lead adds to web/main.py
    runtime = application.state.runtime
    with Session(runtime.engine) as db:
        hashed = hash_password(PASSWORD)
        for name, role in (("dpo", "dpo"), ("agent1", "agent")):
            db.add(User(username=name, full_name=name, role=role, password_hash=hashed))
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign_id = create_campaign(db, "G", "Grippe", "flu_vaccination", fund, "0140000000").id
        db.commit()
    write_contact_file(tmp_path / "f.csv", "flu_vaccination", 3, seed=4, bad_ratio=0.0)
    import_contacts(runtime.engine, campaign_id or 0, tmp_path / "f.csv", runtime.cipher)
    yield application
    application.state.web.imports.shutdown()
    runtime.engine.dispose()


def _sign_in(client: TestClient, username: str) -> str:
    token = csrf_of(client)
    form = {"identifiant": username, "mot_de_passe": PASSWORD, "csrf_token": token}
    assert client.post("/connexion", data=form).status_code == 303
    return csrf_of(client, "/dpo") if username == "dpo" else token


def test_dpo_pages(app: FastAPI) -> None:
    runtime = app.state.runtime
    with Session(runtime.engine) as db:
        person = db.exec(select(Person)).first()
        assert person is not None and person.id is not None
        person_id, last_name = person.id, person.last_name or ""
        nir = runtime.cipher.decrypt(person.nir_cipher or "", "nir")

    with TestClient(app, follow_redirects=False) as client:
        _sign_in(client, "agent1")
        assert client.get("/dpo").status_code == 403
        assert client.get(f"/dpo/personnes/{person_id}").status_code == 403

    with TestClient(app, follow_redirects=False) as client:
        token = _sign_in(client, "dpo")
        bad = client.post("/dpo/recherche", data={"nir": "123", "csrf_token": token})
        assert bad.status_code == 400 and "NIR invalide" in bad.text
        assert client.post("/dpo/recherche", data={"nir": nir}).status_code == 403  # no CSRF
        found = client.post("/dpo/recherche", data={"nir": nir, "csrf_token": token})
        assert found.headers["location"] == f"/dpo/personnes/{person_id}"
        page = client.get(f"/dpo/personnes/{person_id}")
        assert page.status_code == 200 and last_name in page.text and nir in page.text
        letter = client.get(f"/dpo/personnes/{person_id}/lettre.txt")
        assert "Réponse à votre demande d'accès" in letter.text

        url = f"/dpo/personnes/{person_id}"
        refused = client.post(
            f"{url}/rectification",
            data={"phone_e164": "08 99 12 34 56", "motif": "c1", "csrf_token": token},
        )
        assert refused.status_code == 400
        assert "Téléphone : numéro surtaxé, gratuit ou de service refusé." in refused.text
        done = client.post(
            f"{url}/rectification",
            data={"phone_e164": "06 98 76 54 32", "motif": "c1", "csrf_token": token},
        )
        assert done.headers["location"] == f"{url}?fait=rectification"
        limited = client.post(f"{url}/limitation", data={"motif": "c2", "csrf_token": token})
        assert limited.status_code == 303
        assert "Lever la limitation" in client.get(f"{url}?fait=limitation").text
        assert client.post(f"{url}/refus-appels", data={"csrf_token": token}).status_code == 303

        trail = client.get(f"/dpo/tracabilite?personne={person_id}")
        assert trail.status_code == 200 and "Demande d&#39;exercice des droits" in trail.text
        csv_export = client.get(f"/dpo/tracabilite.csv?personne={person_id}&action=rights_request")
        details = [line.split(";")[10] for line in csv_export.text.splitlines()[1:]]
        assert details.count("droit d'accès : rapport complet produit") == 3  # pages
        assert details.count("droit d'accès : rapport complet produit, courrier téléchargé") == 1
        assert {"rectification : c1", "limitation : c2", "refus des appels sortants"} < set(details)
        assert "Chaîne intacte." in client.get("/dpo/tracabilite/verification").text
        assert "Purge prévue" in client.get("/dpo/conservation").text
        assert client.get("/dpo/tracabilite?action=peek").status_code == 400

    with Session(runtime.engine) as db:
        stored = db.get(Person, person_id)
        assert stored is not None and stored.phone_e164 == "+33698765432" and stored.limited
        assert ledger.is_opted_out(db, person_id)
        actors = set(db.exec(select(AccessEntry.actor)))
    assert actors == {"dpo"}


def test_refusal_posted_twice_sends_one_feed_event(app: FastAPI) -> None:
    from dialer.compliance.feed.models import FeedEvent

    runtime = app.state.runtime
    with Session(runtime.engine) as db:
        person = db.exec(select(Person)).first()
        assert person is not None and person.id is not None
        person_id = person.id
    with TestClient(app, follow_redirects=False) as client:
        token = _sign_in(client, "dpo")
        url = f"/dpo/personnes/{person_id}/refus-appels"
        first = client.post(url, data={"csrf_token": token})
        second = client.post(url, data={"csrf_token": token})
        assert first.headers["location"].endswith("?fait=refus")
        assert second.headers["location"].endswith("?fait=refus-deja")
        shown = client.get(second.headers["location"]).text
        assert "était déjà enregistré : rien n&#39;a changé" in shown
    with Session(runtime.engine) as db:
        events = db.exec(select(FeedEvent).where(FeedEvent.person_id == person_id)).all()
        assert len(events) == 1
        assert ledger.is_opted_out(db, person_id)


def _trail_details(app: FastAPI) -> list[str]:
    with Session(app.state.runtime.engine) as db:
        entries = db.exec(select(AccessEntry).order_by(AccessEntry.id)).all()  # type: ignore[arg-type]
        return [entry.detail or "" for entry in entries]


def test_each_bulk_read_leaves_exactly_one_trail_entry(app: FastAPI) -> None:
    with Session(app.state.runtime.engine) as db:
        person = db.exec(select(Person)).first()
        assert person is not None and person.id is not None
        person_id = person.id
    url = f"/dpo/personnes/{person_id}"
    reads = [
        (url, "droit d'accès : rapport complet produit"),
        (f"{url}/lettre.txt", "droit d'accès : rapport complet produit, courrier téléchargé"),
        (f"{url}/rapport.json", "droit d'accès : rapport complet produit, rapport JSON téléchargé"),
        (f"{url}/lettre.pdf", "droit d'accès : rapport complet produit, courrier PDF téléchargé"),
        ("/dpo/tracabilite.csv", "export CSV ("),
    ]
    with TestClient(app, follow_redirects=False) as client:
        _sign_in(client, "dpo")
        for path, detail in reads:
            before = _trail_details(app)
            assert client.get(path).status_code == 200, path
            added = _trail_details(app)[len(before) :]
            assert len(added) == 1 and added[0].startswith(detail), (path, added)
