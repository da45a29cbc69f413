"""A manager signs in, uploads a file with bad rows, watches the bar and gets the rejects."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from dialer.demo.contact_file import write_contact_file
from tests.web.conftest import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artefacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def server(app: FastAPI, world: World) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)


def test_manager_uploads_a_file_and_downloads_the_reject_report(
    server: str, world: World, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    contacts = tmp_path / "contacts-grippe.csv"
    generated = write_contact_file(contacts, "flu_vaccination", 1500, seed=11, bad_ratio=0.08)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        problems: list[str] = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{server}/campagnes")
        expect(page).to_have_url(f"{server}/connexion?suite=/campagnes")
        page.get_by_label("Identifiant").fill("gestion")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Campagnes")).to_be_visible()

        page.get_by_role("link", name="GRIPPE-1").click()
        # The readiness checklist links to the same page; the page's own button is the one.
        page.locator("a.button", has_text="Importer un fichier de contacts").click()
        page.get_by_label("Fichier CSV envoyé par la caisse").set_input_files(str(contacts))
        page.get_by_role("button", name="Envoyer et importer").click()

        summary = page.locator("#resume-import")
        expect(summary).to_be_visible(timeout=60_000)
        expect(summary).to_contain_text("1\u202f500 lignes lues")
        expect(summary).to_contain_text(f"{generated.bad_rows} rejetées")
        expect(page.locator("#motifs-rejets")).to_contain_text("Cellules rejetées par motif")
        assert generated.bad_rows > 50
        expect(page.locator("#premiers-rejets tbody tr")).to_have_count(50)
        bar = page.locator("#barre-import")
        assert bar.get_attribute("value") == bar.get_attribute("max")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "import-termine.png"), full_page=True)

        with page.expect_download() as download_info:
            page.get_by_role(
                "link", name="Télécharger le rapport des lignes rejetées (CSV)"
            ).click()
        report = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        lines = report.splitlines()
        assert lines[0] == "ligne;référence;colonne;valeur;motif"
        assert len({line.split(";", 1)[0] for line in lines[1:]}) == generated.bad_rows
        assert problems == []
        browser.close()


def test_manager_maps_a_fund_column_on_the_page(server: str, world: World, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    contacts = tmp_path / "caisse.csv"
    header = "Référence;N° sécu;Nom;Prénom;Date de naissance;Code postal;Téléphone;Commentaire"
    row = "R1;184127511108988;DUPONT;Jean;15/12/1984;75011;06 12 34 56 78;rappeler"
    contacts.write_bytes(f"{header}\r\n{row}\r\n".encode())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{server}/connexion")
        page.get_by_label("Identifiant").fill("gestion")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{server}/campagnes/{world.campaign_id}/import")
        page.get_by_label("Fichier CSV envoyé par la caisse").set_input_files(str(contacts))
        page.get_by_role("button", name="Envoyer et importer").click()

        page.get_by_label("« N° sécu »").select_option(label="NIR")
        expect(page.get_by_label("« Commentaire »")).to_have_value("")
        page.get_by_role("button", name="Importer avec ces correspondances").click()
        summary = page.locator("#resume-import")
        expect(summary).to_be_visible(timeout=60_000)
        expect(summary).to_contain_text("1 ligne lue : 1 ajoutée")
        expect(summary).to_contain_text("ignorées à votre demande : « Commentaire »")
        assert problems == []
        browser.close()
