"""The DPO, in Chromium: finds a person's accesses by NIR, previews the letter, downloads its PDF.

Leaves screenshots of the trail and of the letter, and the PDF and the fund's CSV as
samples, under ``artefacts/`` for the closing notes.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pypdf import PdfReader

from tests.web.conftest import PASSWORD
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, _free_port
from tests.web.wording.conftest import World

SAMPLES = SCREENSHOTS.parent / "samples"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _shrink(png: Path) -> None:
    """A page is a few flat colours: 64 of them keep it legible at a fraction of the size."""
    from PIL import Image

    with Image.open(png) as shot:
        small = shot.convert("RGB").quantize(colors=64)
    small.save(png, optimize=True)


@pytest.fixture()
def served(world: World) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_dpo_follows_a_person_by_nir_to_the_pdf_letter(
    world: World, served: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="fr-FR"
        )
        page.goto(f"{served}/dpo/tracabilite")
        page.get_by_label("Identifiant").fill("dpo")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_label("Personne (NIR)").fill(world.nir)
        page.get_by_role("button", name="Voir les accès de cette personne").click()
        expect(page).to_have_url(f"{served}/dpo/tracabilite?personne={world.person_id}")
        table = page.locator("table")
        expect(table).to_contain_text("Affichage de la fiche à l'appel")
        expect(table).to_contain_text("GRIPPE-75")
        expect(table).to_contain_text("Vacciné grippe")
        assert world.nir not in page.url
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dpo-tracabilite.png"), full_page=True)
        _shrink(SCREENSHOTS / "dpo-tracabilite.png")

        page.goto(f"{served}/dpo/personnes/{world.person_id}")
        page.get_by_text("Aperçu du courrier").click()
        preview = page.locator("pre.report")
        expect(preview).to_contain_text("entretien accepté, offre acceptée")
        expect(preview).to_contain_text("au 01 06 36 08 37 : appel abouti")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, width  # the letter wraps, the page does not widen
        preview.screenshot(path=str(SCREENSHOTS / "dpo-courrier.png"))
        _shrink(SCREENSHOTS / "dpo-courrier.png")
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger le courrier (PDF)").click()
        pdf_path = tmp_path / "courrier.pdf"
        download.value.save_as(pdf_path)
        page.goto(f"{served}/api/docs")
        expect(page.locator("pre").first).to_contain_text('"has_more": false')
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, width  # the JSON examples wrap
        browser.close()
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
        .split()
    )  # fmt: skip
    assert "Réponse à votre demande d'accès à vos données personnelles" in text
    assert "Appel du 05/03/2026 à 03:04 au 01 06 36 08 37 : appel abouti" in text
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / "courrier-droit-acces.pdf").write_bytes(pdf_path.read_bytes())
    sheet = httpx.get(
        f"{served}/api/funds/CPAM75/results", params={"format": "csv", "bom": "true"},
        headers={"Authorization": f"Bearer {world.fund_token}"},
    )  # fmt: skip
    assert sheet.status_code == 200
    (SAMPLES / "resultats-CPAM75.csv").write_bytes(sheet.content)
