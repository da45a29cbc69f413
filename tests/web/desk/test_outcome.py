"""The outcome form: errors inline in French and nothing written; a good form is stored."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from consent.models import ConsentEntry
from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import Outcome
from dialer.contacts.people.models import Person
from dialer.core.columns import utcnow
from tests.web.conftest import sign_in
from tests.web.desk.conftest import Desk


def outcomes(app: FastAPI) -> list[Outcome]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(Outcome).where(Outcome.attempt_id.is_not(None))))  # type: ignore[union-attr]


def new_outcomes(app: FastAPI, desk: Desk) -> list[Outcome]:
    return [o for o in outcomes(app) if o.attempt_id == desk.attempt_id]


def post(client: TestClient, desk: Desk, token: str, **fields: str) -> object:
    return client.post(
        f"/poste/appels/{desk.attempt_id}/resultat", data={"csrf_token": token, **fields}
    )


def test_bad_contact_details_are_shown_next_to_their_fields(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    token = sign_in(client, "agent1")
    response = client.post(
        f"/poste/appels/{desk.attempt_id}/resultat",
        data={
            "csrf_token": token, "entretien": "accepted", "offre": "accepted",
            "nouvel_email": "pas-un-email", "nouveau_telephone": "12",
            "nouveau_code_postal": "ABCDE", "suivi_texte": "rappeler la caisse",
        },
    )  # fmt: skip
    assert response.status_code == 400
    html = response.text
    assert 'id="erreur-nouvel_email"' in html and "Nouveau e-mail refusé" in html
    assert 'id="erreur-nouveau_telephone"' in html
    assert 'id="erreur-nouveau_code_postal"' in html
    assert "Choisissez la catégorie de la demande." in html
    assert html.count('aria-invalid="true"') >= 4
    assert 'value="pas-un-email"' in html  # what was typed stays to be corrected
    assert new_outcomes(app, desk) == []


def test_an_impossible_combination_is_refused_with_its_reason(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    token = sign_in(client, "agent1")
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for fields, reason in (
        ({}, "Indiquez si la personne accepte l&#39;entretien"),
        ({"entretien": "refused", "offre": "accepted"}, "L&#39;offre ne peut être renseignée"),
        ({"entretien": "accepted", "rappel": tomorrow, "consentement_call": "opt_out"},
         "Un rappel est impossible"),
        ({"entretien": "accepted", "rappel": "demain"}, "Date de rappel illisible"),
    ):  # fmt: skip
        response = post(client, desk, token, **fields)
        assert response.status_code == 400, fields  # type: ignore[attr-defined]
        assert reason in response.text, response.text  # type: ignore[attr-defined]
    assert new_outcomes(app, desk) == []


def test_an_outcome_with_a_contact_change_and_an_opt_out_is_stored(
    app: FastAPI, client: TestClient, desk: Desk
) -> None:
    token = sign_in(client, "agent1")
    response = post(
        client, desk, token, entretien="accepted", offre="accepted",
        nouveau_telephone="07 98 76 54 32", nouvel_email="j.quintal@example.org",
        consentement_sms="opt_out", suivi_categorie="Carte Vitale",
        suivi_texte="Carte Vitale perdue", version_script="",
    )  # fmt: skip
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert "post-appel" in response.text  # type: ignore[attr-defined]
    [outcome] = new_outcomes(app, desk)
    assert (outcome.interview, outcome.offer) == ("accepted", "accepted")
    assert outcome.contact_changes == {"phone": "+33798765432", "email": "j.quintal@example.org"}
    assert outcome.consent_changes == {"sms": "opt_out"}
    assert outcome.followup_category == "Carte Vitale"
    with Session(app.state.runtime.engine) as db:
        person = db.get(Person, desk.person_id)
        assert person is not None and person.phone_e164 == "+33798765432"
        [entry] = db.exec(select(ConsentEntry).where(ConsentEntry.person_id == desk.person_id))
        assert (entry.channel, entry.decision) == ("sms", "opt_out")
        row = db.get(AgentPresence, desk.agent_id)
        # The call has not ended yet: the agent stays on it until it does (then wraps up).
        assert row is not None and row.state == "on_call" and row.attempt_id == desk.attempt_id
    again = post(client, desk, token, entretien="accepted")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert client.get(f"/poste/appels/{desk.attempt_id}").status_code == 409


def test_hanging_up_without_a_dialing_service_says_so(client: TestClient, desk: Desk) -> None:
    token = sign_in(client, "agent1")
    response = client.post(
        f"/poste/appels/{desk.attempt_id}/raccrocher", headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 503
    assert "Aucun service de numérotation ne tient cette fiche" in response.text
