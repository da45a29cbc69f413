from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.campaigns.models import Campaign
from tests.web.conftest import World, sign_in


def _form(token: str, world: World, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": token,
        "code": "ebd-2026",
        "nom": "M'T dents 2026",
        "theme": "child_dental",
        "caisse": str(world.fund_id),
        "numero_presente": "01 40 00 00 01",
        "plages": "09:30-12:00, 13h30-18h00",
        "jours": ["0", "2", "4"],
        "tentatives_max": "6",
        "abandon_cible": "2,5",
        "post_appel": "45",
    }
    form.update(changes)
    return form


def test_create_page_offers_every_theme_and_fund(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    page = client.get("/campagnes/nouvelle").text
    for key in (
        "flu_vaccination",
        "child_dental",
        "ameli_account",
        "pro_online_services",
        "employer_offer",
    ):
        assert f'value="{key}"' in page
    assert "CPAM de Paris (CPAM75)" in page
    assert 'value="10:00-13:00, 14:00-20:00"' in page


def test_manager_creates_a_campaign_with_its_calling_policy(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    response = client.post("/campagnes/nouvelle", data=_form(token, world))
    assert response.status_code == 303
    detail = client.get(response.headers["location"])
    assert detail.status_code == 200
    assert "M&#39;T dents 2026" in detail.text and "09:30–12:00, 13:30–18:00" in detail.text
    assert (
        "Lundi, Mercredi, Vendredi" in detail.text
        and "2,5\u00a0%" in detail.text
        and "2.5 %" not in detail.text
    )
    with Session(app.state.runtime.engine) as db:
        campaign = db.exec(select(Campaign).where(Campaign.code == "EBD-2026")).one()
    assert campaign.caller_id == "+33140000001"
    assert campaign.audience == "insured" and campaign.fund_id == world.fund_id
    assert campaign.calling_policy["max_attempts"] == 6
    assert campaign.calling_policy["weekdays"] == [0, 2, 4]
    assert campaign.calling_policy["windows"][1] == {"start": "13:30:00", "end": "18:00:00"}
    assert campaign.abandon_target == 0.025 and campaign.wrap_up_seconds == 45
    assert "EBD-2026" in client.get("/campagnes").text


def test_bad_values_are_reported_per_field_in_french(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    bad = _form(
        token,
        world,
        code="é",
        nom="",
        theme="inconnu",
        caisse="999",
        numero_presente="12",
        plages="13:00-10:00",
        jours=[],
        tentatives_max="0",
        abandon_cible="abc",
        post_appel="9999",
    )
    response = client.post("/campagnes/nouvelle", data=bad)
    assert response.status_code == 400
    for fragment in (
        "Code :",
        "Nom : obligatoire",
        "Thème : choisissez",
        "Caisse : choisissez",
        "Numéro présenté",
        "Jours d&#39;appel",
        "Tentatives : entre 1 et 50",
        "Abandon : un nombre est attendu",
        "Post-appel : entre 0 et 600",
    ):
        assert fragment in response.text, fragment
    with Session(app.state.runtime.engine) as db:
        assert len(db.exec(select(Campaign)).all()) == 1


def test_window_end_before_start_refused(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    response = client.post("/campagnes/nouvelle", data=_form(token, world, plages="13:00-10:00"))
    assert response.status_code == 400 and "n&#39;est pas une plage valide" in response.text


def test_duplicate_code_refused(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    response = client.post("/campagnes/nouvelle", data=_form(token, world, code="grippe-1"))
    assert response.status_code == 400 and "existe déjà" in response.text


def test_unknown_campaign_is_a_french_404(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    response = client.get("/campagnes/4242")
    assert response.status_code == 404 and "Campagne introuvable" in response.text


def test_detail_links_to_the_campaigns_pages_and_each_opens(
    client: TestClient, world: World
) -> None:
    sign_in(client, "gestion")
    detail = client.get(f"/campagnes/{world.campaign_id}").text
    for path, label in (
        ("script", "Script d'appel"),
        ("tableau", "Tableau de bord"),
        ("vagues", "Vagues"),
    ):
        url = f"/campagnes/{world.campaign_id}/{path}"
        assert f'href="{url}">{label}</a>' in detail
        assert client.get(url).status_code == 200, url
