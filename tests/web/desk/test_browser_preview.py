"""In Chromium, against the real app, dialer and PBX simulator: pass a preview, call the next."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.models import Campaign
from dialer.contacts.people.models import CampaignContact
from dialer.core.settings import Settings
from telephony.sim import SimulatorConfig
from tests.web.conftest import World
from tests.web.desk.live_server import ANSWERING, LiveServer, live_server, seed_ameli_campaign
from tests.web.desk.test_browser_desk import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    shot,
    sign_in,
    watch_errors,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]
PEOPLE = {"Josiane Quintal0000", "Josiane Quintal0001"}


@pytest.fixture()
def live(app: FastAPI, world: World, settings: Settings) -> Iterator[tuple[LiveServer, int]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=2,
        code="AMELI-APERCU",
    )  # fmt: skip
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.pacing_mode = "preview"
        db.add(campaign)
        db.commit()
    sim = SimulatorConfig(time_factor=0.05, seed=3, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def pass_the_first_record(agent: Any) -> str:
    from playwright.sync_api import expect

    agent.get_by_role("button", name="Me rendre disponible").click()
    expect(agent.locator("#titre-appel")).to_contain_text("Fiche à appeler", timeout=WAIT_MS)
    first = agent.locator("#nom-personne").text_content()
    assert first in PEOPLE
    expect(agent.locator("#etat-agent")).to_have_text("Fiche en aperçu")
    expect(agent.locator("#script-appel")).to_contain_text("Bonjour, je suis Agent1 Test")
    expect(agent.get_by_role("button", name="Raccrocher")).to_have_count(0)
    expect(agent.get_by_role("button", name="Enregistrer le résultat")).to_have_count(0)
    shot(agent, "poste-apercu.png")
    agent.get_by_role("button", name="Passer").click()
    # The next record replaces the notice as soon as the dialer holds it.
    [second] = PEOPLE - {first}
    expect(agent.locator("#nom-personne")).to_have_text(second, timeout=WAIT_MS)
    return str(first)


def call_the_second(agent: Any) -> None:
    from playwright.sync_api import expect

    expect(agent.locator("#titre-appel")).to_contain_text("Fiche à appeler")
    agent.get_by_role("button", name="Appeler").click()
    expect(agent.locator("#titre-appel")).to_contain_text("En ligne", timeout=WAIT_MS)
    expect(agent.locator("#etat-agent")).to_have_text("En communication")
    expect(agent.get_by_role("button", name="Raccrocher")).to_be_visible()
    expect(agent.get_by_role("button", name="Enregistrer le résultat")).to_be_visible()
    shot(agent, "poste-apercu-appele.png")


def test_agent_passes_a_record_then_calls_the_next(
    app: FastAPI, live: tuple[LiveServer, int]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = live
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        agent = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        watch_errors(agent, problems)
        sign_in(agent, server.url, "agent1")
        agent.goto(f"{server.url}/poste")
        agent.get_by_label("Campagne sur laquelle travailler").select_option(str(campaign_id))
        agent.get_by_role("button", name="Rejoindre la campagne").click()
        expect(agent.locator("#etat-agent")).to_contain_text("En pause")
        passed = pass_the_first_record(agent)
        call_the_second(agent)
        browser.close()
    assert problems == []
    assert server.service.sim is not None and len(server.service.sim.dial_log) == 1
    with Session(app.state.runtime.engine) as db:
        contacts = db.exec(
            select(CampaignContact).where(CampaignContact.campaign_id == campaign_id)
        )
        by_attempts = {c.attempts for c in contacts}
    assert by_attempts == {0, 1}, passed  # the passed record counts no attempt
