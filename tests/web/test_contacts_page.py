"""The manager's contact list: pages, refusals, the trail, the per-person explanation."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact, Person
from tests.web.conftest import World, sign_in


def seed_contacts(app: FastAPI, world: World, count: int = 60) -> list[int]:
    with Session(app.state.runtime.engine) as db:
        ids = []
        for n in range(count):
            person = Person(
                audience="insured", identity_key=f"c{n}", fund_id=world.fund_id,
                last_name="DURAND" if n % 10 == 0 else f"NOM{n}", first_name="Alice",
                phone_e164=f"+3361200{n:04d}", territory="metro", time_zone="Europe/Paris",
            )  # fmt: skip
            db.add(person)
            db.flush()
            contact = CampaignContact(
                campaign_id=world.campaign_id, person_id=person.id or 0, row_ref=f"REF-{n:03d}",
                attempts=n % 4, last_result="no_answer" if n % 2 else None,
            )  # fmt: skip
            db.add(contact)
            db.flush()
            ids.append(contact.id or 0)
        db.commit()
    return ids


def _trail(app: FastAPI) -> list[AccessEntry]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(AccessEntry).order_by(col(AccessEntry.id))))


def test_a_page_lists_fifty_and_links_the_next_and_every_row_is_traced(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_contacts(app, world)
    sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/contacts"
    first = client.get(base)
    assert first.status_code == 200
    assert first.text.count("/explication") == 50
    assert "REF-000" in first.text and "REF-050" not in first.text
    assert "DURAND Alice" in first.text
    entries = _trail(app)
    assert len(entries) == 50
    assert {e.actor for e in entries} == {"gestion"}
    assert set(entries[0].fields) == {"first_name", "last_name", "row_ref", "territory"}
    assert "nir" not in entries[0].fields and "phone_e164" not in entries[0].fields
    assert "+33612" not in first.text  # the phone is not the list's business
    assert 'rel="next"' in first.text
    second = client.get(f"{base}?apres=50")
    assert "REF-050" in second.text and "REF-049" not in second.text
    assert 'rel="next"' not in second.text


def test_search_and_filters_keep_through_pages(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_contacts(app, world)
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/contacts?q=durand")
    assert page.status_code == 200
    assert page.text.count("/explication") == 6
    ref = client.get(f"/campagnes/{world.campaign_id}/contacts?q=REF-007")
    assert ref.text.count("/explication") == 1
    never = client.get(f"/campagnes/{world.campaign_id}/contacts?resultat=none&q=durand")
    assert never.text.count("/explication") == 6  # multiples of 10 are even: never called


def test_bad_searches_are_refused_in_french_and_trace_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_contacts(app, world, 3)
    sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/contacts"
    for query, message in (
        ("?statut=%25", "Statut inconnu"),
        ("?territoire=lune", "Territoire inconnu"),
        ("?q=" + "x" * 150, "trop longue"),
        ("?q=a%00b", "caractère de contrôle"),
    ):
        response = client.get(base + query)
        assert response.status_code == 400, query
        assert message in response.text
    assert client.get(base + "?q=%25").status_code == 200
    assert client.get(base + "?apres=-1").status_code in (400, 422)
    assert client.get(base + "?apres=99999999999").status_code in (400, 422)
    assert _trail(app) == []


def test_the_explanation_of_one_person_is_shown_and_traced(
    app: FastAPI, client: TestClient, world: World
) -> None:
    ids = seed_contacts(app, world, 2)
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/contacts/{ids[0]}/explication")
    assert page.status_code == 200
    assert "Explication" in page.text and "REF-000" in page.text
    [entry] = _trail(app)
    assert entry.detail is not None and "explication" in entry.detail
    assert client.get(f"/campagnes/{world.campaign_id}/contacts/999/explication").status_code == 404


def test_agents_cannot_open_the_list(app: FastAPI, client: TestClient, world: World) -> None:
    seed_contacts(app, world, 1)
    sign_in(client, "agent1")
    assert client.get(f"/campagnes/{world.campaign_id}/contacts").status_code == 403
    assert _trail(app) == []


def test_the_next_possible_call_is_the_dialler_s_judgement(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A Sunday: nobody is callable now, the next call is Monday 10:00 in Paris."""
    from datetime import datetime

    seed_contacts(app, world, 2)
    app.state.web.clock = lambda: datetime(2026, 12, 6, 12)
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/contacts")
    assert page.text.count("07/12/2026 10:00") == 2
