"""In Chromium: a manager starts a scheduled wave and watches the dashboard move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.waves import schedule_wave
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.core.settings import Settings
from dialer.engine.calling import presence
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
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture()
def waiting_wave(
    app: FastAPI, world: World, settings: Settings
) -> Iterator[tuple[LiveServer, int]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=2, code="VAGUE"
    )
    tomorrow = utcnow() + timedelta(days=1)
    with session_scope(engine) as db:
        schedule_wave(db, campaign_id, "Vague de demain", tomorrow, tomorrow + timedelta(hours=4))
        presence.log_in(db, agent.id or 0, campaign_id, utcnow())
        presence.make_available(db, agent.id or 0, utcnow())
    sim = SimulatorConfig(time_factor=0.05, seed=5, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def test_manager_starts_a_wave_and_the_dashboard_moves(
    waiting_wave: tuple[LiveServer, int],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = waiting_wave
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        manager = browser.new_page(viewport={"width": 1366, "height": 768})
        watch_errors(manager, problems)
        sign_in(manager, server.url, "gestion")
        manager.goto(f"{server.url}/campagnes/{campaign_id}/tableau")
        expect(manager.locator("#v-attempts_today")).to_have_text("0", timeout=WAIT_MS)
        manager.goto(f"{server.url}/campagnes/{campaign_id}/vagues")
        shot(manager, "vagues-avant.png")
        manager.get_by_role("button", name="Démarrer Vague de demain").click()
        expect(manager.get_by_role("cell", name="en cours", exact=False).first).to_be_visible()
        manager.goto(f"{server.url}/campagnes/{campaign_id}/tableau")
        expect(manager.locator("#v-attempts_today")).not_to_have_text("0", timeout=WAIT_MS)
        shot(manager, "tableau-vague-demarree.png")
        browser.close()
    assert problems == []
