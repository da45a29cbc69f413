"""A manager runs a campaign's life from its pages: list, readiness, pause, retry rules, close."""

from __future__ import annotations

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
