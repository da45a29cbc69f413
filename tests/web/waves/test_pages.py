"""The managers' wave pages: listing, scheduling with errors, and the state buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.campaigns.models import Campaign, Wave, WaveMember
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory, info
from tests.web.conftest import World, sign_in

PARIS = ZoneInfo("Europe/Paris")


def _people(app: FastAPI, world: World) -> None:
    with Session(app.state.runtime.engine) as db:
        for n, territory in enumerate((Territory.REUNION, Territory.METRO, Territory.REUNION)):
            person = Person(
                audience="insured", identity_key=f"p{n}", fund_id=world.fund_id,
                phone_e164=f"+3361234000{n}", territory=territory.value,
                time_zone=info(territory).time_zone,
            )  # fmt: skip
            db.add(person)
            db.flush()
            db.add(CampaignContact(campaign_id=world.campaign_id, person_id=person.id or 0))
        db.commit()


def _local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def _form(token: str, world: World, **changes: str) -> dict[str, str]:
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    form = {
        "csrf_token": token,
        "nom": "Vague Réunion",
        "debut": _local(start),
        "fin": _local(start + timedelta(hours=6)),
        "cohorte": "filter",
        "territoire": "reunion",
        "code_postal": "",
        "mode": "predictive",
        f"quota_{world.fund_id}": "1",
    }
    form.update(changes)
    return form


def _waves(app: FastAPI) -> list[Wave]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(Wave)).all())


def test_manager_schedules_a_filtered_wave_with_a_quota(
    client: TestClient, world: World, app: FastAPI
) -> None:
    _people(app, world)
    token = sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/vagues")
    assert page.status_code == 200
    assert "Aucune vague n'est programmée" in page.text
    assert f'name="quota_{world.fund_id}"' in page.text and "La Réunion" in page.text
    form = _form(token, world)
    response = client.post(f"/campagnes/{world.campaign_id}/vagues", data=form)
    assert response.status_code == 303, response.text
    [wave] = _waves(app)
    assert (wave.name, wave.pacing_mode, wave.cohort) == ("Vague Réunion", "predictive", "filter")
    assert wave.quota_per_fund == {"CPAM75": 1}
    paris_start = datetime.strptime(form["debut"], "%Y-%m-%dT%H:%M").replace(tzinfo=PARIS)
    assert wave.starts_at == paris_start.astimezone(UTC).replace(tzinfo=None)
    with Session(app.state.runtime.engine) as db:
        assert len(db.exec(select(WaveMember)).all()) == 1
    listing = client.get(f"/campagnes/{world.campaign_id}/vagues").text
    assert "Vague Réunion" in listing and "Programmée" in listing and "Prédictif" in listing
    assert paris_start.strftime("%d/%m/%Y %H:%M") in listing
    assert (
        f"/vagues/{wave.id}/demarrer" in listing and f"/vagues/{wave.id}/suspendre" not in listing
    )


def test_bad_forms_are_shown_again_with_french_errors(
    client: TestClient, world: World, app: FastAPI
) -> None:
    _people(app, world)
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/vagues"
    cases = [
        ({"nom": ""}, "Nom : obligatoire."),
        ({"debut": "demain"}, "Début : date et heure attendues"),
        ({"fin": "2020-01-01T10:00"}, "La fin de la vague doit être postérieure à son début."),
        ({"territoire": "", "code_postal": ""}, "Une cohorte filtrée demande au moins un filtre"),
        ({"code_postal": "97A"}, "Début de code postal invalide"),
        ({"mode": "turbo"}, "Mode de numérotation inconnu : turbo"),
        ({f"quota_{world.fund_id}": "beaucoup"}, "Quota CPAM75 : un nombre entier est attendu."),
    ]
    for changes, message in cases:
        response = client.post(url, data=_form(token, world, **changes))
        assert response.status_code == 400, changes
        assert message in response.text.replace("&#39;", "'"), changes
    assert 'value="Vague Réunion"' in response.text  # what was typed is kept
    assert _waves(app) == []


def test_buttons_move_the_wave_and_refused_moves_explain_why(
    client: TestClient, world: World, app: FastAPI
) -> None:
    _people(app, world)
    token = sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/vagues"
    client.post(base, data=_form(token, world, cohorte="all"))
    [wave] = _waves(app)
    for word, status in (
        ("demarrer", "running"),
        ("suspendre", "paused"),
        ("reprendre", "running"),
    ):
        response = client.post(f"{base}/{wave.id}/{word}", data={"csrf_token": token})
        assert response.status_code == 303
        [wave] = _waves(app)
        assert wave.status == status
    with Session(app.state.runtime.engine) as db:
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None and campaign.status == "active"
    assert "En cours" in client.get(base).text
    refused = client.post(f"{base}/{wave.id}/reprendre", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Impossible de reprendre une vague en cours." in refused.text
    stopped = client.post(f"{base}/{wave.id}/arreter", data={"csrf_token": token})
    assert stopped.status_code == 303 and _waves(app)[0].status == "stopped"
    assert client.post(f"{base}/{wave.id}/exploser", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{base}/{wave.id}/arreter", data={}).status_code == 403  # no CSRF token


def test_only_managers_see_the_wave_pages(client: TestClient, world: World) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/campagnes/{world.campaign_id}/vagues").status_code == 403
    assert client.get("/campagnes/999/vagues").status_code == 403
