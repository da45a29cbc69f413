"""The script editor: saving makes a new version, the preview shows errors in French."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from scripts.versions import list_versions
from tests.web.conftest import World, sign_in


def versions(app: FastAPI, campaign_id: int) -> list[tuple[int, str]]:
    with Session(app.state.runtime.engine) as db:
        found = list_versions(db, "flu_vaccination", campaign_id)
        return [(v.version, v.body) for v in found]


def test_page_shows_the_shipped_script_and_its_preview(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/script")
    assert page.status_code == 200
    assert 'id="corps"' in page.text and "script par défaut du thème (version 1)" in page.text
    assert "Lefèvre" in page.text  # the sample person, in the preview


def test_saving_creates_a_new_version_each_time(
    app: FastAPI, client: TestClient, world: World
) -> None:
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/script"
    first = client.post(url, data={"corps": "Bonjour {{ first_name }}\r\n", "csrf_token": token})
    assert first.status_code == 303 and first.headers["location"].endswith("enregistre=1")
    client.post(url, data={"corps": "Bonjour {{ last_name }}", "csrf_token": token})
    assert versions(app, world.campaign_id) == [
        (2, "Bonjour {{ last_name }}"),
        (1, "Bonjour {{ first_name }}\n"),
    ]
    page = client.get(url + "?enregistre=2")
    assert "Version 2 enregistrée" in page.text and "2 (en service)" in page.text


def test_a_body_that_does_not_compile_is_not_saved(
    app: FastAPI, client: TestClient, world: World
) -> None:
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/script"
    refused = client.post(url, data={"corps": "Bonjour {{ first_name ", "csrf_token": token})
    assert refused.status_code == 400
    assert "Le script n&#39;a pas été enregistré" in refused.text
    assert "Bonjour {{ first_name " in refused.text  # the text stays to be corrected
    assert versions(app, world.campaign_id) == []


def test_preview_renders_sample_data_or_the_french_notice(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/script/apercu"
    headers = {"X-CSRF-Token": token}
    good = client.post(
        url, data={"corps": "<p>{{ first_name }} {{ last_name }}</p>"}, headers=headers
    )
    assert good.json() == {"ok": True, "html": "<p>Monique Lefèvre</p>", "error": None}
    unknown = client.post(url, data={"corps": "{{ child_first_name }}"}, headers=headers).json()
    assert unknown["ok"] is False and unknown["html"] == ""
    assert unknown["error"] == (
        "Le script n'a pas pu être affiché : le champ « child_first_name » "
        "n'est pas disponible pour cette campagne."
    )
    broken = client.post(url, data={"corps": "{% for x in %}"}, headers=headers).json()
    assert broken["ok"] is False and "erreur de syntaxe ligne 1" in broken["error"]
    assert client.post(url, data={"corps": "x"}).status_code == 403  # no CSRF token


def test_agents_cannot_edit_scripts(client: TestClient, world: World) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/campagnes/{world.campaign_id}/script").status_code == 403
