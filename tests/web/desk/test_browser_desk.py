"""In Chromium, against the real app, dialer and PBX simulator: a call from pop to wrap-up.

The manager's dashboard is open in a second window and must move when the call
happens; the script editor's preview must show a broken script's French notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from consent.models import ConsentEntry
from dialer.accounts.models import User
from dialer.campaigns.attempts import Outcome
from dialer.compliance.privacy.models import AccessEntry
from dialer.core.settings import Settings
from telephony.sim import SimulatorConfig
from tests.web.conftest import PASSWORD, World
from tests.web.desk.live_server import (
    ANSWERING,
    PROVISIONAL_CODE,
    LiveServer,
    live_server,
    seed_ameli_campaign,
)

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artefacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WAIT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]


@pytest.fixture()
def live(app: FastAPI, world: World, settings: Settings) -> Iterator[tuple[LiveServer, int]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=1
    )
    sim = SimulatorConfig(time_factor=0.05, seed=3, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/connexion")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def watch_errors(page: Any, problems: list[str]) -> None:
    # Refused requests are checked through the responses themselves, with their URL.
    def on_console(msg: Any) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(msg.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/resultat"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", on_response)


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def take_the_call(agent: Any, manager: Any, url: str) -> None:
    from playwright.sync_api import expect

    agent.get_by_role("button", name="Me rendre disponible").click()
    try:
        expect(agent.locator("#nom-personne")).to_have_text("Josiane Quintal0000", timeout=WAIT_MS)
    except AssertionError as error:
        # Say where the call got stuck: the agent's state, the stream, the page's notice.
        state = agent.evaluate("fetch('/poste/etat').then(r => r.text())")
        stream = agent.locator("#liaison").text_content()
        notice = agent.locator("#annonce").text_content()
        raise AssertionError(f"no screen pop; desk {state}; {stream}; {notice}") from error
    # The pop moves the keyboard focus to the call's heading.
    assert agent.evaluate("document.activeElement.id") == "titre-appel"
    script = agent.locator("#script-appel")
    expect(script).to_contain_text("Bonjour, je suis Agent1 Test")
    expect(agent.locator(".secret-value")).to_have_text("••••••••")
    expect(agent.get_by_role("button", name="Me mettre en pause")).to_be_hidden()
    shot(agent, "poste-appel.png")
    agent.get_by_role("button", name="Révéler le code").click()
    expect(agent.locator(".secret-value").first).to_have_text(PROVISIONAL_CODE)
    expect(manager.locator("#v-attempts_today")).to_have_text("1", timeout=WAIT_MS)
    expect(manager.locator("#v-calls_in_progress")).to_have_text("1")
    expect(manager.locator("#a-on_call")).to_have_text("1")
    shot(manager, "tableau-en-appel.png")
    # Keyboard alone: from the focused heading, Tab reaches "Raccrocher", Enter presses it.
    agent.locator("#titre-appel").focus()
    agent.keyboard.press("Tab")
    assert agent.evaluate("document.activeElement.id") == "raccrocher"
    agent.keyboard.press("Enter")
    expect(agent.locator("#message-appel")).to_contain_text("raccroché", timeout=WAIT_MS)


def record_outcome(agent: Any) -> None:
    from playwright.sync_api import expect

    agent.get_by_label("La personne accepte l'entretien").check()
    agent.get_by_label("Offre acceptée").check()
    agent.get_by_label("Nouvel e-mail").fill("pas-un-email")
    agent.get_by_role("button", name="Enregistrer le résultat").click()
    expect(agent.locator("#erreur-nouvel_email")).to_contain_text("Nouveau e-mail refusé")
    shot(agent, "poste-erreur-resultat.png")
    agent.get_by_label("Nouvel e-mail").fill("josiane.q@example.org")
    agent.get_by_label("Nouveau téléphone").fill("07 98 76 54 32")
    agent.get_by_label("SMS").select_option("opt_out")
    agent.get_by_role("button", name="Enregistrer le résultat").click()
    expect(agent.locator("#titre-post-appel")).to_be_visible()
    shot(agent, "poste-post-appel.png")
    # The wrap-up lasts 3 s; then the desk is back to waiting for a call.
    expect(agent.locator("#etat-agent")).to_contain_text("Disponible", timeout=WAIT_MS)


def check_database(app: FastAPI) -> None:
    with Session(app.state.runtime.engine) as db:
        [outcome] = db.exec(select(Outcome).where(col(Outcome.attempt_id).is_not(None))).all()
        assert outcome.contact_changes == {
            "email": "josiane.q@example.org",
            "phone": "+33798765432",
        }
        assert outcome.consent_changes == {"sms": "opt_out"}
        [consent] = db.exec(select(ConsentEntry)).all()
        assert (consent.channel, consent.decision) == ("sms", "opt_out")
        actions = [e.action for e in db.exec(select(AccessEntry).order_by(col(AccessEntry.id)))]
        assert actions.count("screen_pop") >= 1 and actions.count("reveal_secret") == 1


def test_agent_takes_a_call_while_the_manager_watches(
    app: FastAPI, live: tuple[LiveServer, int]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = live
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        manager = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        agent = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        for page in (manager, agent):
            watch_errors(page, problems)
        sign_in(manager, server.url, "gestion")
        manager.goto(f"{server.url}/campagnes/{campaign_id}/tableau")
        expect(manager.locator("#v-attempts_today")).to_have_text("0", timeout=WAIT_MS)
        expect(manager.locator("#v-left_to_call")).to_have_text("1")
        shot(manager, "tableau-avant.png")

        sign_in(agent, server.url, "agent1")
        agent.get_by_role("link", name="Poste agent").click()
        agent.get_by_label("Campagne sur laquelle travailler").select_option(str(campaign_id))
        agent.get_by_role("button", name="Rejoindre la campagne").click()
        expect(agent.locator("#etat-agent")).to_contain_text("En pause")
        shot(agent, "poste-en-pause.png")
        take_the_call(agent, manager, server.url)
        record_outcome(agent)
        shot(agent, "poste-disponible.png")
        expect(manager.locator("#o-offer_accepted")).to_have_text("1", timeout=WAIT_MS)
        expect(manager.locator("#v-left_to_call")).to_have_text("0")
        shot(manager, "tableau-apres.png")
        browser.close()
    check_database(app)
    assert problems == []


def test_script_editor_preview_in_the_browser(app: FastAPI, live: tuple[LiveServer, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = live
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        watch_errors(page, problems)
        sign_in(page, server.url, "gestion")
        page.goto(f"{server.url}/campagnes/{campaign_id}/script")
        expect(page.locator("#apercu")).to_contain_text("Nguyen")
        shot(page, "script-editeur.png")
        page.get_by_label("Texte du script").fill("<p>Bonjour {{ prenom }}</p>")
        expect(page.locator("#erreur-apercu")).to_contain_text("« prenom » n'est pas disponible")
        shot(page, "script-apercu-erreur.png")
        page.get_by_label("Texte du script").fill("<p>Bonjour {{ first_name }}</p>")
        expect(page.locator("#apercu")).to_have_text("Bonjour Thomas")
        page.get_by_role("button", name="Enregistrer une nouvelle version").click()
        expect(page.get_by_role("status")).to_contain_text("Version 1 enregistrée")
        browser.close()
    assert problems == []
