"""The register of rights requests through the real app: forms, refusals, home list, trail."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.compliance.privacy.models import AccessEntry, RightsRequest
from dialer.compliance.privacy.register import dpo_today
from dialer.compliance.privacy.retention_table import retention_rows
from dialer.core.columns import utcnow
from tests.web.conftest import World, sign_in
from tests.web.dpo_people import import_people


def _requests(app: FastAPI) -> list[RightsRequest]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(RightsRequest).order_by(col(RightsRequest.id))))


def test_a_request_is_recorded_by_nir_listed_near_its_deadline_and_answered(
    app: FastAPI, world: World, client: TestClient, tmp_path: Path
) -> None:
    people = import_people(app, world, tmp_path)
    token = sign_in(client, "dpo")
    received = dpo_today(utcnow()) - timedelta(days=27)
    form = {"nir": people.nir, "telephone": "", "recue_le": received.isoformat(),
            "type": "access", "canal": "email", "reference": "courriel du DPO de la caisse",
            "csrf_token": token}  # fmt: skip
    made = client.post("/dpo/demandes", data=form)
    assert made.status_code == 303, made.text
    request = _requests(app)[0]
    assert made.headers["location"] == f"/dpo/demandes/{request.id}?fait=enregistree"
    assert (request.person_id, request.kind, request.channel) == (
        people.person_id,
        "access",
        "email",
    )
    detail = html.unescape(client.get(made.headers["location"]).text)
    assert "Demande enregistrée" in detail and "courriel" in detail and "reçue" in detail
    home = html.unescape(client.get("/dpo").text)
    assert f"Demande n° {request.id}" in home and "restant" in home
    letter = client.get(f"/dpo/demandes/{request.id}/courrier")
    # The access letter itself: the person is sent everything held, their NIR included.
    assert letter.status_code == 200 and "Date de naissance" in letter.text
    closed = client.post(f"/dpo/demandes/{request.id}/reponse", data={"csrf_token": token})
    assert closed.status_code == 303
    assert "répondue" in html.unescape(client.get(f"/dpo/demandes/{request.id}").text)
    assert f"Demande n° {request.id}" not in client.get("/dpo").text
    again = client.post(f"/dpo/demandes/{request.id}/reponse", data={"csrf_token": token})
    assert again.status_code == 409 and "close" in html.unescape(again.text)
    with Session(app.state.runtime.engine) as db:
        details = list(db.exec(
            select(AccessEntry.detail).where(AccessEntry.person_id == people.person_id)
        ))  # fmt: skip
    assert "recherche par NIR (demande n° 1)" in details
    assert any(d and "courrier de réponse à la demande n° 1" in d for d in details)
    assert "demande n° 1 : demande close (répondue)" in details


def test_bad_requests_are_refused_in_french_and_the_nir_is_not_sent_back(
    app: FastAPI, world: World, client: TestClient, tmp_path: Path
) -> None:
    people = import_people(app, world, tmp_path)
    token = sign_in(client, "dpo")
    today = dpo_today(utcnow())
    base = {"nir": people.nir, "telephone": "", "recue_le": today.isoformat(), "type": "access",
            "canal": "post", "reference": "", "csrf_token": token}  # fmt: skip
    cases = [
        ({"recue_le": "31/02/2026"}, "Date de réception invalide"),
        ({"recue_le": (today + timedelta(days=1)).isoformat()}, "futur"),
        ({"type": "erasure"}, "Type de demande inconnu"),
        ({"nir": "", "telephone": ""}, "à défaut"),
        ({"nir": "1234"}, "NIR invalide"),
    ]
    for change, message in cases:
        answer = client.post("/dpo/demandes", data={**base, **change})
        assert answer.status_code == 400, change
        assert message in html.unescape(answer.text), change
        assert people.nir not in answer.text
    assert _requests(app) == []
    by_phone = client.post("/dpo/demandes", data={**base, "nir": "", "telephone": people.phone})
    assert by_phone.status_code == 303
    assert [r.person_id for r in _requests(app)] == [people.person_id]


def test_an_action_on_the_person_page_is_linked_to_the_request(
    app: FastAPI, world: World, client: TestClient, tmp_path: Path
) -> None:
    people = import_people(app, world, tmp_path)
    token = sign_in(client, "dpo")
    form = {"nir": people.nir, "recue_le": dpo_today(utcnow()).isoformat(), "type": "limitation",
            "canal": "counter", "csrf_token": token}  # fmt: skip
    client.post("/dpo/demandes", data=form)
    request_id = _requests(app)[0].id
    page = client.get(f"/dpo/personnes/{people.person_id}?demande={request_id}")
    assert 'name="demande" value="1"' in page.text and "Vous traitez" in page.text
    limited = client.post(
        f"/dpo/personnes/{people.person_id}/limitation",
        data={"motif": "guichet du 02/12", "action": "limiter", "demande": str(request_id),
              "csrf_token": token},
    )  # fmt: skip
    assert limited.headers["location"].endswith(f"fait=limitation&demande={request_id}")
    request = _requests(app)[0]
    assert request.status == "in_progress"
    history = html.unescape(client.get(f"/dpo/demandes/{request_id}").text)
    assert "limitation du traitement" in history
    for bogus in ("abc", "²", "0", str(2**31)):
        answer = client.post(
            f"/dpo/personnes/{people.person_id}/refus-appels",
            data={"demande": bogus, "csrf_token": token},
        )
        assert answer.status_code == 400, bogus


def test_the_retention_page_shows_the_table_docs_privacy_holds(
    app: FastAPI, world: World, client: TestClient
) -> None:
    sign_in(client, "dpo")
    page = html.unescape(client.get("/dpo/conservation").text)
    for row in retention_rows():
        assert f"<td>{row.data}</td><td>{row.until}</td><td>{row.how}</td>" in page
