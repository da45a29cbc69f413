"""In Chromium: a waiting desk whose event stream is open polls its state at a slow pace.

The stream brings the calls and their ends; the poll only refreshes the dialing progress.
200 desks polling every 2 s were 100 requests a second on the web process. The page's
clock is Playwright's, advanced by hand: the test counts requests, it times nothing.
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
from tests.web.desk.test_browser_desk import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"
    ),
]
STATE = "/poste/etat"


@pytest.fixture()
def live(app: FastAPI, world: World, settings: Settings) -> Iterator[LiveServer]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    # Nobody to call: the agent waits, with the stream open, for the whole test.
    seed_ameli_campaign(engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], 0)
    with live_server(settings, SimulatorConfig(time_factor=0.05, population=ANSWERING)) as srv:
        yield srv


class StateRequests:
    """The page's requests for its state: how many were sent, how many still in flight."""

    def __init__(self, page: Any) -> None:
        self.sent = 0
        self.open = 0
        page.on("request", self._sent)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _sent(self, request: Any) -> None:
        if request.url.endswith(STATE):
            self.sent += 1
            self.open += 1

    def _done(self, request: Any) -> None:
        if request.url.endswith(STATE):
            self.open -= 1


def advance(page: Any, requests: StateRequests, seconds: int) -> None:
    """The page's clock forward second by second, each poll answered before the next step."""
    for _ in range(seconds):
        page.clock.run_for(1000)
        page.wait_for_timeout(50)
        while requests.open > 0:
            page.wait_for_timeout(50)


def test_a_waiting_desk_with_its_stream_open_polls_its_state_slowly(
    live: LiveServer,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        page.clock.install()
        sign_in(page, live.url, "agent1")
        page.goto(f"{live.url}/poste")
        page.get_by_role("button", name="Rejoindre la campagne").click()
        page.locator("#bouton-disponible").click()
        expect(page.locator("[data-stream=ouvert]")).to_have_count(1, timeout=WAIT_MS)
        expect(page.locator("#etat-agent")).to_contain_text("Disponible", timeout=WAIT_MS)
        requests = StateRequests(page)
        page.clock.pause_at(page.evaluate("Date.now()") + 10)
        advance(page, requests, 20)
        # Every 5 s with the stream open (every 2 s, 10 polls, before).
        assert 3 <= requests.sent <= 5
        browser.close()
