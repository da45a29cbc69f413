"""A manager runs a campaign's life from its pages: list, readiness, pause, retry rules, close."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from tests.web.conftest import PASSWORD, World
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, server
from tests.web.test_browser_import import pytestmark as pytestmark

# The live server fixture, shared with the import's browser test.
__all__ = ["server"]


def _status(app: FastAPI, campaign_id: int) -> str:
    with Session(app.state.runtime.engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.status


def test_manager_pauses_edits_rules_and_closes_a_campaign(
    server: str, world: World, app: FastAPI
) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        problems: list[str] = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{server}/campagnes")
        page.get_by_label("Identifiant").fill("gestion")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Campagnes")).to_be_visible()
        page.get_by_label("Thème").select_option("flu_vaccination")
        page.get_by_role("button", name="Filtrer").click()
        expect(page.get_by_role("link", name="GRIPPE-1")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "campagnes-liste-filtres.png"))

        # A draft: the checklist says what is missing, each with its fix.
        page.get_by_role("link", name="GRIPPE-1").click()
        checklist = page.locator(".checklist")
        expect(checklist).to_contain_text("Agents habilités")
        expect(page.get_by_role("link", name="Corriger : Numéro présenté autorisé")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "campagne-preparation.png"), full_page=True)
        page.get_by_role("button", name="Activer la campagne").click()
        expect(page.get_by_text("ne peut pas encore être activée")).to_be_visible()
        page.go_back()

        # The caller ID fix leads to the edit page; a new number is accepted.
        page.get_by_role("link", name="Corriger : Numéro présenté autorisé").click()
        expect(page.get_by_role("heading", name="Modifier la campagne")).to_be_visible()
        page.get_by_label("Numéro présenté").fill("01 62 00 00 00")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".facts")).to_contain_text("01 62 00 00 00")

        # Running: pause and resume from the page.
        with Session(app.state.runtime.engine) as db:
            campaign = db.get(Campaign, world.campaign_id)
            assert campaign is not None
            campaign.status = "active"
            db.commit()
        page.reload()
        page.get_by_role("button", name="Mettre en pause").click()
        expect(page.get_by_role("heading", name="État : En pause")).to_be_visible()
        expect(page.get_by_role("link", name="Reprendre la campagne")).to_be_visible()
        assert _status(app, world.campaign_id) == "paused"
        page.get_by_role("button", name="Reprendre").click()
        expect(page.get_by_role("heading", name="État : En cours")).to_be_visible()

        # Theme locked while running, with the reason.
        page.get_by_role("link", name="Modifier").click()
        page.get_by_label("Thème").select_option("child_dental")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("alert")).to_contain_text("Le thème ne peut plus changer")
        page.screenshot(path=str(SCREENSHOTS / "campagne-modifier-refus.png"), full_page=True)

        # Retry rules: a negative delay refused in French, then a new version saved.
        page.goto(f"{server}/campagnes/{world.campaign_id}/relances")
        page.get_by_label("Délai en minutes : Occupé").fill("-5")
        page.get_by_role("button", name="Voir l'effet").click()
        expect(page.get_by_role("alert")).to_contain_text("un délai négatif est impossible")
        page.screenshot(path=str(SCREENSHOTS / "relances-erreur.png"), full_page=True)
        page.get_by_label("Délai en minutes : Occupé").fill("45")
        page.get_by_role("button", name="Voir l'effet").click()
        expect(page.locator("#effet")).to_contain_text("Avec ces règles")
        page.get_by_role("button", name="Enregistrer une nouvelle version").click()
        expect(page.get_by_text("2 (en vigueur)")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "relances-versions.png"), full_page=True)

        # Closing: the consequences first, then the confirmation.
        page.goto(f"{server}/campagnes/{world.campaign_id}")
        page.get_by_role("link", name="Clôturer…").click()
        expect(page.get_by_role("alert")).to_contain_text("Codes confidentiels provisoires purgés")
        page.screenshot(path=str(SCREENSHOTS / "campagne-cloture-confirmation.png"))
        page.get_by_role("button", name="Confirmer la clôture").click()
        expect(page.get_by_role("status")).to_contain_text("Campagne clôturée")
        expect(page.get_by_role("heading", name="État : Clôturée")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "campagne-cloturee.png"), full_page=True)
        browser.close()
    assert _status(app, world.campaign_id) == "closed"
    # The refusals shown on purpose (409, 400) are logged by the browser; nothing else may be.
    assert [p for p in problems if "status of 409" not in p and "status of 400" not in p] == []


def test_manager_uploads_an_opposition_list_and_confirms_an_overlapping_wave(
    server: str, world: World, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    listing = tmp_path / "opposition-cpam75.csv"
    listing.write_bytes(
        "NIR;Téléphone;Date du refus\r\n185077512345608;;01/12/2026\r\n185077512345600;;\r\n"
        ";06 99 99 99 99;\r\n".encode("cp1252")
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server}/campagnes/{world.campaign_id}")
        page.get_by_label("Identifiant").fill("gestion")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("link", name="Liste d'opposition").click()
        page.get_by_label("Liste d'opposition envoyée par la caisse (CSV)").set_input_files(
            str(listing)
        )
        page.get_by_role("button", name="Envoyer et enregistrer les refus").click()
        summary = page.locator("#resume-opposition")
        expect(summary).to_contain_text("1 refus enregistré")
        expect(summary).to_contain_text("2 lignes rejetées")
        expect(page.get_by_role("cell", name="clé du NIR invalide")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "opposition-rapport.png"), full_page=True)

        page.goto(f"{server}/campagnes/{world.campaign_id}/vagues")
        for name in ("Matin", "Doublon"):
            page.get_by_label("Nom").fill(name)
            page.get_by_label("Début (heure de Paris)").fill("2031-03-04T10:00")
            page.get_by_label("Fin (heure de Paris)").fill("2031-03-04T13:00")
            page.get_by_role("button", name="Programmer la vague").click()
        expect(page.get_by_role("alert")).to_contain_text("chevauche « Matin »")
        page.screenshot(path=str(SCREENSHOTS / "vagues-chevauchement.png"), full_page=True)
        page.get_by_role("button", name="Programmer quand même").click()
        expect(page.get_by_role("cell", name="Doublon", exact=True)).to_be_visible()
        browser.close()
