"""A manager browses a campaign's contacts, asks why one is not called, reads the reports
with their charts, downloads an export, and sees the dashboard's chart drawn by uPlot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.web.conftest import PASSWORD, World
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, server
from tests.web.test_contacts_page import seed_contacts
from tests.web.test_reports_page import DAY, seed_calls

__all__ = ["server"]  # the live server fixture, shared with the import's browser tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]


def _signed_in(playwright: Any, server: str) -> tuple[Any, Any, list[str]]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page(
        viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="fr-FR"
    )
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{server}/connexion")
    page.get_by_label("Identifiant").fill("gestion")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    return browser, page, problems


def test_manager_searches_contacts_and_asks_why(server: str, app: FastAPI, world: World) -> None:
    from playwright.sync_api import expect, sync_playwright

    seed_contacts(app, world, 120)
    with sync_playwright() as playwright:
        browser, page, problems = _signed_in(playwright, server)
        page.goto(f"{server}/campagnes/{world.campaign_id}")
        page.get_by_role("navigation", name="Suivi de la campagne").get_by_role(
            "link", name="Contacts"
        ).click()
        expect(page.get_by_role("heading", name="Contacts de la campagne")).to_be_visible()
        expect(page.locator("#contacts tbody tr")).to_have_count(50)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "contacts-liste.png"))

        page.get_by_role("link", name="Page suivante").click()
        expect(page.locator("#contacts tbody tr").first).to_contain_text("REF-050")

        page.get_by_label("Référence ou nom de famille").fill("durand")
        page.get_by_label("Dernier résultat").select_option(label="Jamais appelé")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#contacts tbody tr")).to_have_count(12)
        expect(page.get_by_label("Référence ou nom de famille")).to_have_value("durand")

        page.get_by_label("Référence ou nom de famille").fill("50%_' OR 1=1")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#aucun-contact")).to_be_visible()

        page.get_by_label("Référence ou nom de famille").fill("REF-010")
        page.get_by_role("button", name="Rechercher").click()
        page.get_by_role("link", name="Expliquer le contact REF-010").click()
        expect(page.locator("#explication")).not_to_be_empty()
        page.screenshot(path=str(SCREENSHOTS / "contacts-explication.png"))
        assert problems == []
        browser.close()


def test_manager_reads_a_report_with_charts_and_exports_it(
    server: str, app: FastAPI, world: World
) -> None:
    from playwright.sync_api import expect, sync_playwright

    seed_calls(app, world)
    with sync_playwright() as playwright:
        browser, page, problems = _signed_in(playwright, server)
        page.goto(f"{server}/campagnes/{world.campaign_id}")
        page.get_by_role("navigation", name="Suivi de la campagne").get_by_role(
            "link", name="Rapports"
        ).click()
        page.get_by_label("Jour", exact=True).fill(DAY)
        page.get_by_role("button", name="Afficher le rapport").click()
        expect(page.locator("#t-attempts")).to_have_text("3")
        for chart in ("#graphique-appels", "#graphique-abandon"):
            expect(page.locator(chart)).to_have_attribute("data-drawn", "oui")
            expect(page.locator(f"{chart} canvas")).to_have_count(1)
        expect(page.locator("#agents")).to_contain_text("Agent1 Test")
        expect(page.locator("#agents")).to_contain_text("Pause café : 30\u00a0min")
        expect(page.locator("#agents")).to_contain_text("25,0\u00a0%")  # occupancy
        page.screenshot(path=str(SCREENSHOTS / "rapport-campagne.png"), full_page=True)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="CSV · Par jour").click()
        lines = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("Jour;Tentatives;")
        assert lines[1].startswith("01/12/2026;3;")

        page.get_by_label("Période").select_option("periode")
        page.get_by_label("Début").fill("2025-01-01")
        page.get_by_label("Fin").fill("2026-12-01")
        page.get_by_role("button", name="Afficher le rapport").click()
        expect(page.locator("#erreur-periode")).to_contain_text("un an au plus")
        page.screenshot(path=str(SCREENSHOTS / "rapport-periode-refusee.png"))
        assert [p for p in problems if "400" not in p] == []
        browser.close()


def test_the_live_dashboard_draws_its_chart_with_uplot(
    server: str, app: FastAPI, world: World
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page, problems = _signed_in(playwright, server)
        page.goto(f"{server}/campagnes/{world.campaign_id}/tableau")
        expect(page.locator("#graphique canvas")).to_have_count(1, timeout=15_000)
        expect(page.locator("#resume-graphique")).to_contain_text("tentatives depuis minuit")
        page.screenshot(path=str(SCREENSHOTS / "tableau-de-bord-uplot.png"))
        assert problems == []
        browser.close()
