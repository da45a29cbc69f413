"""A fund's staff downloads its results with its token, in Chromium; a wrong token is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.feed.tokens import create_token
from dialer.contacts.people.models import Person
from dialer.core.db import session_scope
from tests.web.conftest import World
from tests.web.test_browser_import import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
__all__ = ["server"]


def _feed_with_two_events(app: FastAPI, world: World) -> str:
    with session_scope(app.state.runtime.engine) as db:
        person = Person(audience="insured", identity_key="k", fund_id=world.fund_id,
                        territory="metro", time_zone="Europe/Paris")  # fmt: skip
        db.add(person)
        db.flush()
        for value in ("a@exemple.fr", "b@exemple.fr"):
            emit_event(db, world.fund_id, "rectification", {"field": "email", "value": value},
                       campaign_id=world.campaign_id, person_id=person.id or 0)  # fmt: skip
        return create_token(db, world.fund_id, "navigateur")


def test_fund_downloads_its_results_as_csv(
    app: FastAPI, world: World, server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    token = _feed_with_two_events(app, world)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.goto(f"{server}/caisses/resultats")
        page.get_by_label("Code de la caisse").fill("CPAM75")
        page.get_by_label("Jeton d'API").fill("mauvais-jeton")
        page.get_by_role("button", name="Télécharger").click()
        expect(page.locator("#etat")).to_contain_text("Refusé (401)")
        page.get_by_label("Jeton d'API").fill(token)
        with page.expect_download() as download:
            page.get_by_role("button", name="Télécharger").click()
        saved = tmp_path / "resultats.csv"
        download.value.save_as(saved)
        expect(page.locator("#etat")).to_contain_text("dernier numéro : 2")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "caisse-telechargement.png"))
        browser.close()
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("N°;Identifiant de l'événement;Nature;Enregistré le (heure locale")
    assert [line.split(";")[0] for line in lines[1:]] == ["1", "2"]
