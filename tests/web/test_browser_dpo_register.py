"""The DPO records a rights request, follows it to its letter and closes it, pages only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from dialer.compliance.privacy.register import dpo_today
from dialer.core.columns import utcnow
from dialer.wording import Kind, label
from tests.web.conftest import PASSWORD, World
from tests.web.dpo_people import Imported, import_people
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.web.test_browser_import import server as _server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]
server = _server


@pytest.fixture()
def people(app: FastAPI, world: World, tmp_path: Path) -> Iterator[Imported]:
    yield import_people(app, world, tmp_path)


def test_dpo_records_a_request_follows_it_to_its_letter_and_closes_it(
    server: str, people: Imported
) -> None:
    from playwright.sync_api import expect, sync_playwright

    # Received 25 days ago: due within the week, so the home page lists it.
    received = dpo_today(utcnow()) - timedelta(days=25)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{server}/dpo")
        page.get_by_label("Identifiant").fill("dpo")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Protection des données")).to_be_visible()

        page.get_by_role("link", name="Enregistrer une demande").click()
        page.get_by_label("NIR de la personne").fill(people.nir)
        page.get_by_label("Reçue le").fill(received.isoformat())
        page.get_by_label("Type de demande").select_option(label="rectification")
        page.get_by_label("Reçue par").select_option(label="courrier")
        page.get_by_label("Référence du courrier").fill("LR 2026-0412")
        page.get_by_role("button", name="Enregistrer la demande").click()
        expect(page.get_by_role("heading", name="Demande n° 1 : rectification")).to_be_visible()
        expect(page.locator("#etat-demande")).to_have_text("reçue")

        page.get_by_role("link", name="Demandes de droits").click()
        expect(page.get_by_role("link", name="Demande n° 1")).to_be_visible()
        expect(page.get_by_text("jours restants")).to_be_visible()
        page.get_by_role("link", name="Demande n° 1").click()

        page.get_by_role("link", name="Ouvrir la fiche de la personne pour cette demande").click()
        expect(page.locator("#demande-liee")).to_contain_text("demande n° 1")
        page.get_by_label("Courriel").fill("nouvelle.adresse@example.fr")
        page.locator("#r-motif").fill("LR 2026-0412")
        page.get_by_role("button", name="Rectifier").click()
        expect(page.get_by_text("Rectification enregistrée")).to_be_visible()
        page.locator("#demande-liee").get_by_role("link", name="demande n° 1").click()
        expect(page.locator("#etat-demande")).to_have_text("en cours")

        page.get_by_role("link", name="Préparer le courrier de réponse").click()
        letter = page.locator("#courrier")
        expect(letter).to_contain_text("Vous avez exercé votre droit de rectification")
        expect(letter).to_contain_text(f"rectification des données : {label(Kind.FIELD, 'email')}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dpo-register-letter.png"))
        page.get_by_role("button", name="Courrier envoyé : clore la demande").click()
        expect(page.get_by_text("Courrier envoyé : la demande est close.")).to_be_visible()
        expect(page.locator("#etat-demande")).to_contain_text("répondue le")
        page.screenshot(path=str(SCREENSHOTS / "dpo-register-closed.png"))

        page.get_by_role("link", name="Demandes de droits").click()
        expect(page.get_by_text("Aucune demande en cours n'arrive à échéance")).to_be_visible()
        browser.close()
    assert problems == []
