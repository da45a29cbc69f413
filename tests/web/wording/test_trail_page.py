"""The DPO's trail page: a person found by NIR (posted, by keyed hash, traced), read in French."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.compliance.privacy.models import AccessEntry
from dialer.core.french import datetime_fr
from tests.dialer.wording.scan import visible_text
from tests.web.wording.conftest import World, sign_in_dpo


def _entries(world: World) -> list[AccessEntry]:
    with Session(world.app.state.runtime.engine) as db:
        return list(db.exec(select(AccessEntry).order_by(col(AccessEntry.id))))


def test_a_person_is_found_by_nir_and_the_lookup_is_traced(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        token = sign_in_dpo(client)
        spaced = f"{world.nir[:1]} {world.nir[1:3]} {world.nir[3:]}"
        found = client.post("/dpo/tracabilite/nir", data={"nir": spaced, "csrf_token": token})
        assert found.status_code == 303
        assert found.headers["location"] == f"/dpo/tracabilite?personne={world.person_id}"
        assert world.nir not in found.headers["location"]
        lookup = _entries(world)[-1]
        assert (lookup.action, lookup.person_id, lookup.fields) == (
            "search",
            world.person_id,
            ["nir"],
        )
        assert lookup.actor == "dpo" and world.nir not in (lookup.detail or "")

        page = client.get(found.headers["location"])
        assert f"Accès à la personne n° {world.person_id} seulement." in page.text

        unknown = ("1" if world.nir[0] == "2" else "2") + world.nir[1:13]  # another sex
        unknown += f"{97 - int(unknown) % 97:02d}"
        missing = client.post("/dpo/tracabilite/nir", data={"nir": unknown, "csrf_token": token})
        assert missing.status_code == 404 and "Aucune personne n&#39;a ce NIR." in missing.text
        assert (_entries(world)[-1].person_id, _entries(world)[-1].fields) == (None, ["nir"])

        bad = client.post("/dpo/tracabilite/nir", data={"nir": "123", "csrf_token": token})
        assert bad.status_code == 400 and "NIR invalide" in bad.text
        assert client.post("/dpo/tracabilite/nir", data={"nir": world.nir}).status_code == 403


def test_entries_read_in_french_with_campaign_codes_and_paris_time(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        sign_in_dpo(client)
        text = visible_text(client.get(f"/dpo/tracabilite?personne={world.person_id}").text)
    screen_pop = next(entry for entry in _entries(world) if entry.action == "screen_pop")
    assert datetime_fr(screen_pop.at, "Europe/Paris", seconds=True) in text
    assert screen_pop.at.strftime("%d/%m/%Y %H:%M") not in text  # the UTC wall clock
    assert "Date (heure de Paris)" in text
    assert "agent7 (Agent) Affichage de la fiche à l'appel n° " in text
    assert "CPAM75 (Caisse) Lecture du flux de résultats" in text
    assert "purge (Traitement automatique) Purge de conservation" in text
    assert "Vacciné grippe" in text and "GRIPPE-75" in text
    assert "address_line" not in text and "flu_vaccinated" not in text


def test_day_filters_are_paris_days(world: World) -> None:
    screen_pop = next(entry for entry in _entries(world) if entry.action == "screen_pop")
    day = datetime_fr(screen_pop.at, "Europe/Paris")[:10]
    iso = f"{day[6:]}-{day[3:5]}-{day[:2]}"
    with TestClient(world.app, follow_redirects=False) as client:
        sign_in_dpo(client)
        same = client.get("/dpo/tracabilite", params={"depuis": iso, "jusqua": iso})
        assert "Affichage de la fiche à l&#39;appel" in same.text
        detail = _entries(world)[-1].detail or ""
        assert f"depuis le {day} à 00:00" in detail and "T00:00" not in detail
