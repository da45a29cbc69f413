"""In Chromium, against the real app, dialer and PBX simulator: the desk's comforts.

The agent hangs up and the desk must say so (not « La personne a raccroché ») and
leave « En communication »; timers run; the pause reason shows in its select; the
day's counters move; the layout holds at 1280 px and does not overflow at 390 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.core.settings import Settings
from telephony.sim import SimulatorConfig
from tests.web.conftest import World
from tests.web.desk.live_server import ANSWERING, LiveServer, live_server, seed_ameli_campaign
from tests.web.desk.test_browser_desk import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    sign_in,
    watch_errors,
)

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
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=2
    )
    sim = SimulatorConfig(time_factor=0.05, seed=3, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def no_overflow(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def join(agent: Any, url: str, campaign_id: int) -> None:
    from playwright.sync_api import expect

    sign_in(agent, url, "agent1")
    agent.goto(f"{url}/poste")
    agent.get_by_label("Campagne sur laquelle travailler").select_option(str(campaign_id))
    agent.get_by_role("button", name="Rejoindre la campagne").click()
    expect(agent.locator("#etat-agent")).to_contain_text("En pause")


def test_agent_hangs_up_and_the_desk_says_so(app: FastAPI, live: tuple[LiveServer, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = live
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        agent = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        watch_errors(agent, problems)
        join(agent, server.url, campaign_id)
        agent.get_by_role("button", name="Me rendre disponible").click()
        expect(agent.locator("#nom-personne")).to_contain_text("Josiane", timeout=WAIT_MS)
        expect(agent.locator("#etat-agent")).to_contain_text("En communication")
        agent.get_by_role("button", name="Raccrocher").click()
        message = agent.locator("#message-appel")
        expect(message).to_contain_text("Vous avez raccroché", timeout=WAIT_MS)
        # The line's end reaches the desk too: it must not be read as the person's hang-up.
        expect(agent.locator("#etat-agent")).to_contain_text("Appel terminé", timeout=WAIT_MS)
        agent.wait_for_timeout(1500)
        expect(message).not_to_contain_text("La personne a raccroché")
        expect(agent.locator("#etat-agent")).not_to_contain_text("En communication")
        browser.close()
    assert problems == []
