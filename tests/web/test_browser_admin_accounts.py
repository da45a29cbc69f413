"""An administrator resets a password in the page; the agent must change it at next sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.conftest import PASSWORD
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.web.test_browser_import import server as _server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]
server = _server
NEW_PASSWORD = "un tout nouveau mot de passe"


def _sign_in(page: Page, server: str, name: str, password: str) -> None:
    page.goto(f"{server}/connexion")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_reset_password_leads_to_the_forced_change_page(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        _sign_in(admin, server, "admin", PASSWORD)
        expect(admin.get_by_role("heading", name="Utilisateurs")).to_be_visible()
        admin.get_by_role("button", name="Réinitialiser le mot de passe de agent1").click()
        shown = admin.locator("#mot-de-passe-provisoire code")
        expect(shown).to_be_visible()
        temporary = shown.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        admin.screenshot(path=str(SCREENSHOTS / "admin-reset-password.png"))

        agent = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        _sign_in(agent, server, "agent1", temporary)
        expect(agent).to_have_url(f"{server}/mot-de-passe")
        expect(agent.get_by_text("réinitialisé par un administrateur")).to_be_visible()
        agent.goto(f"{server}/poste")
        expect(agent).to_have_url(f"{server}/mot-de-passe")
        agent.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
        agent.get_by_label("Nouveau mot de passe (à nouveau)").fill(NEW_PASSWORD)
        agent.get_by_role("button", name="Enregistrer le mot de passe").click()
        agent.goto(f"{server}/poste")
        expect(agent).to_have_url(f"{server}/poste")

        admin.goto(f"{server}/admin/utilisateurs")
        expect(admin.get_by_text("mot de passe provisoire à changer")).to_have_count(0)
        browser.close()
