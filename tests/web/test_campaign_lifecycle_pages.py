"""The campaign page's lifecycle: readiness, pause/resume, close, edit, retry rules, list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.models import Campaign, CampaignAgent, Wave
from dialer.campaigns.retry_rules import REASONS_FR
from dialer.campaigns.retry_versions import RetryPolicyVersion
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from tests.web.conftest import World, sign_in

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def _db(app: FastAPI) -> Session:
    return Session(app.state.runtime.engine, expire_on_commit=False)


def _campaign(app: FastAPI, campaign_id: int) -> Campaign:
    with _db(app) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign


def _make_ready(app: FastAPI, world: World) -> None:
    """Contacts, an agent, a wave tomorrow and an allowed caller ID."""
    with _db(app) as db:
        for n in range(3):
            person = Person(
                audience="insured", identity_key=f"p{n}", fund_id=world.fund_id,
                phone_e164=f"+3361234000{n}", territory="metro", time_zone="Europe/Paris",
            )  # fmt: skip
            db.add(person)
            db.flush()
            db.add(CampaignContact(campaign_id=world.campaign_id, person_id=person.id or 0))
        # User 1 is agent1, the first the world fixture creates.
        db.add(CampaignAgent(campaign_id=world.campaign_id, user_id=1, enabled_by="t"))
        start = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
        db.add(
            Wave(campaign_id=world.campaign_id, name="Vague 1", starts_at=start,
                 ends_at=start + timedelta(hours=4))
        )  # fmt: skip
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.caller_id = "+33162000000"
        db.commit()


def test_the_page_says_what_is_missing_and_links_each_fix(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Prête à composer ?" in page
    base = f"/campagnes/{world.campaign_id}"
    for fix in ("/import", "/agents", "/modifier"):
        assert f'href="{base}{fix}">Corriger' in page
    assert "Aucune vague : active, la campagne compose dans ses plages horaires" in page
    assert f'href="{base}/script">Corriger' not in page  # the shipped script is valid
    assert "01 40 00 00 00" in page and "+33140000000" not in page
    assert f"3,0{NBSP}%" in page and "3.0 %" not in page
    assert "Aucune vague." in page


def test_a_draft_is_activated_only_once_ready(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    refused = client.post(
        f"/campagnes/{world.campaign_id}/etat/activer", data={"csrf_token": token}
    )
    assert refused.status_code == 409
    assert "fichier de contacts importé" in refused.text
    _make_ready(app, world)
    page = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Tout est prêt." in page and "Vague 1" in page
    done = client.post(f"/campagnes/{world.campaign_id}/etat/activer", data={"csrf_token": token})
    assert done.status_code == 303
    assert _campaign(app, world.campaign_id).status == "active"


def test_pause_and_resume_from_the_campaign_page(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    with _db(app) as db:
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.status = "active"
        db.commit()
    page = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Mettre en pause" in page and "les appels en cours se terminent normalement" in page
    url = f"/campagnes/{world.campaign_id}/etat"
    assert client.post(f"{url}/suspendre", data={"csrf_token": token}).status_code == 303
    assert _campaign(app, world.campaign_id).status == "paused"
    page = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Reprendre la campagne" in page  # « Pourquoi rien ne compose ? » names the fix
    again = client.post(f"{url}/suspendre", data={"csrf_token": token})
    assert again.status_code == 409 and "Impossible de mettre en pause" in again.text
    assert client.post(f"{url}/reprendre", data={"csrf_token": token}).status_code == 303
    assert _campaign(app, world.campaign_id).status == "active"
    assert client.post(f"{url}/inconnue", data={"csrf_token": token}).status_code == 404


def test_closing_says_its_consequences_before_confirming(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    _make_ready(app, world)
    confirm = client.get(f"/campagnes/{world.campaign_id}/cloture")
    assert confirm.status_code == 200
    for said in (
        "Plus aucun appel",
        "Codes confidentiels provisoires purgés",
        "Résultats définitifs",
    ):
        assert said in confirm.text
    assert "3 contacts non terminés" in confirm.text
    assert _campaign(app, world.campaign_id).status == "draft"  # nothing changed by looking
    stray = client.post(f"/campagnes/{world.campaign_id}/cloture", data={"csrf_token": token})
    assert stray.status_code == 400 and "Confirmez la clôture" in stray.text
    assert _campaign(app, world.campaign_id).status == "draft"
    done = client.post(
        f"/campagnes/{world.campaign_id}/cloture", data={"csrf_token": token, "confirmer": "oui"}
    )
    assert done.status_code == 303
    page = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Campagne clôturée : 1 vague arrêtée" in page
    assert _campaign(app, world.campaign_id).status == "closed"
    with _db(app) as db:
        trail = db.exec(select(AccessEntry).where(AccessEntry.campaign_id == world.campaign_id))
        assert [entry.action for entry in trail] == ["purge"]
    assert client.get(f"/campagnes/{world.campaign_id}/cloture").status_code == 409
    assert client.get(f"/campagnes/{world.campaign_id}/modifier").status_code == 409


def _edit_form(token: str, world: World, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": token, "code": "GRIPPE-1", "nom": "Grippe 2026 (relance)",
        "theme": "flu_vaccination", "caisse": str(world.fund_id),
        "numero_presente": "01 62 00 00 07", "plages": "10:00-13:00", "jours": ["0", "1"],
        "tentatives_max": "5", "abandon_cible": "2,5", "post_appel": "20",
    }  # fmt: skip
    form.update(changes)
    return form


def test_a_running_campaign_keeps_its_theme_and_fund_and_says_why(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    with _db(app) as db:
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.status = "active"
        other = create_fund(db, "CPAM13", "CPAM des Bouches-du-Rhône", Territory.METRO)
        db.commit()
        other_id = other.id
    page = client.get(f"/campagnes/{world.campaign_id}/modifier").text
    assert "Ne peuvent plus changer : le thème et la caisse commanditaire" in page
    url = f"/campagnes/{world.campaign_id}/modifier"
    refused = client.post(url, data=_edit_form(token, world, theme="child_dental"))
    assert refused.status_code == 400 and "Le thème ne peut plus changer" in refused.text
    refused = client.post(url, data=_edit_form(token, world, caisse=str(other_id)))
    assert refused.status_code == 400
    assert "La caisse commanditaire ne peut plus changer" in refused.text
    assert _campaign(app, world.campaign_id).theme == "flu_vaccination"
    done = client.post(url, data=_edit_form(token, world))
    assert done.status_code == 303
    campaign = _campaign(app, world.campaign_id)
    assert campaign.name == "Grippe 2026 (relance)" and campaign.caller_id == "+33162000007"
    assert campaign.calling_policy["max_attempts"] == 5 and campaign.abandon_target == 0.025


def _rules_form(token: str, action: str, **rows: tuple[str, str, str]) -> dict[str, str]:
    form = {"csrf_token": token, "action": action}
    for reason in REASONS_FR:
        delay, multiplier, retries = rows.get(reason, ("30", "1", "3"))
        form |= {f"delai_{reason}": delay, f"multiplicateur_{reason}": multiplier,
                 f"tentatives_{reason}": retries}  # fmt: skip
    return form


def test_retry_rules_are_checked_previewed_and_versioned(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/relances"
    page = client.get(url).text
    assert 'name="definitif_network_failure"' not in page
    assert "Pas de réponse" in page and "Rappel demandé par la personne" in page
    assert "0 contact reviendra demain" in page  # the effect, before any change
    bad = client.post(url, data=_rules_form(token, "enregistrer", busy=("-10", "1", "3")))
    assert bad.status_code == 400 and "Occupé : un délai négatif est impossible." in bad.text
    bad = client.post(url, data=_rules_form(token, "enregistrer", busy=("1e308", "1", "3")))
    assert bad.status_code == 400 and "délai trop long" in bad.text
    preview = client.post(url, data=_rules_form(token, "apercu"))
    assert preview.status_code == 200 and "Avec ces règles" in preview.text
    with _db(app) as db:
        assert db.exec(select(RetryPolicyVersion)).all() == []  # a preview saves nothing
    saved = client.post(url, data=_rules_form(token, "enregistrer", no_answer=("1440", "1", "2")))
    assert saved.status_code == 303
    page = client.get(url).text
    assert "2 (en vigueur)" in page and "réglage initial" in page
    rules = _campaign(app, world.campaign_id).retry_policy["rules"]
    assert rules["no_answer"] == {"max_retries": 2, "delay_minutes": 1440.0, "multiplier": 1.0}
    # Our network's failures keep a delay whatever is typed in the hidden fields.
    assert rules["network_failure"]["delay_minutes"] == 30.0


def test_the_list_shows_progress_with_filters_and_search(
    client: TestClient, world: World, app: FastAPI
) -> None:
    sign_in(client, "gestion")
    with _db(app) as db:
        fund = create_fund(db, "CGSS974", "CGSS de La Réunion", Territory.REUNION)
        create_campaign(db, "AMELI-974", "Compte ameli 100 %", "ameli_account", fund, "0262000000")
        db.commit()
        fund_id = fund.id
    page = client.get("/campagnes").text
    assert "GRIPPE-1" in page and "AMELI-974" in page and "Abandon aujourd'hui" in page
    by_fund = client.get("/campagnes", params={"caisse": str(fund_id)}).text
    assert "AMELI-974" in by_fund and "GRIPPE-1" not in by_fund
    by_theme = client.get("/campagnes", params={"theme": "flu_vaccination"}).text
    assert "GRIPPE-1" in by_theme and "AMELI-974" not in by_theme
    by_state = client.get("/campagnes", params={"etat": "closed"}).text
    assert "Aucune campagne ne répond à ces critères." in by_state
    assert "AMELI-974" in client.get("/campagnes", params={"q": "ameli"}).text
    # LIKE metacharacters are searched literally, never as wildcards.
    literal = client.get("/campagnes", params={"q": "100 %"}).text
    assert "AMELI-974" in literal and "GRIPPE-1" not in literal
    assert "Aucune campagne" in client.get("/campagnes", params={"q": "_"}).text
    for bad in ({"etat": "ouverte"}, {"theme": "x"}, {"caisse": "abc"}, {"q": "x" * 200}):
        answer = client.get("/campagnes", params=bad)
        assert answer.status_code == 400, bad


def test_an_overlapping_wave_asks_for_confirmation(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    form = {
        "csrf_token": token, "nom": "Matin", "cohorte": "all", "mode": "progressive",
        "debut": start.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        "fin": (start + timedelta(hours=3)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    url = f"/campagnes/{world.campaign_id}/vagues"
    assert client.post(url, data=form).status_code == 303
    again = client.post(url, data=form | {"nom": "Doublon"})
    assert again.status_code == 400
    assert "chevauche « Matin »" in again.text and "Programmer quand même" in again.text
    confirmed = client.post(url, data=form | {"nom": "Doublon", "confirmer_chevauchement": "oui"})
    assert confirmed.status_code == 303
    with _db(app) as db:
        assert sorted(w.name for w in db.exec(select(Wave))) == ["Doublon", "Matin"]


def test_the_dashboard_explanation_links_its_fixes(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    data = client.get(f"/campagnes/{world.campaign_id}/tableau/donnees").json()
    assert "brouillon" in data["why_idle"]
    base = f"/campagnes/{world.campaign_id}"
    assert data["why_fixes"][0] == {"label": "Activer la campagne", "href": f"{base}#etat"}
    assert {"label": "Importer un fichier de contacts", "href": f"{base}/import"} in data[
        "why_fixes"
    ]


def test_an_opposition_list_is_uploaded_with_its_reject_report(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/oppositions"
    page = client.get(url)
    assert page.status_code == 200 and "CPAM de Paris" in page.text
    body = "NIR;Téléphone\r\n185077512345608;\r\n185077512345600;\r\n".encode()
    answer = client.post(
        url, data={"csrf_token": token}, files={"fichier": ("liste.csv", body, "text/csv")}
    )
    assert answer.status_code == 200
    assert "1 refus enregistré au registre des consentements" in answer.text
    assert "1 ligne rejetée" in answer.text and "clé du NIR invalide" in answer.text
    assert "185077512345600" not in answer.text
    with _db(app) as db:
        job = db.exec(select(ImportJob)).one()
    report = client.get(f"/campagnes/{world.campaign_id}/imports/{job.id}/rejets.csv")
    assert report.status_code == 200 and "clé du NIR invalide" in report.text
    refused = client.post(
        url,
        data={"csrf_token": token},
        files={"fichier": ("liste.csv", b"Nom\r\nMartin\r\n", "text/csv")},
    )
    assert refused.status_code == 400 and "Aucune colonne « NIR »" in refused.text
    empty = client.post(url, data={"csrf_token": token})
    assert empty.status_code == 400
