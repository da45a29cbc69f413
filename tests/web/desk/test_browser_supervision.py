"""In Chromium, against the real app, dialer and PBX simulator: the desk's « Contrôle
d'appel » and the supervisor's wall, side by side; then the wall with 20 agents moving."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.core.settings import Settings
from telephony.sim import SimulatorConfig
from tests.web.conftest import World
from tests.web.desk.live_server import ANSWERING, LiveServer, live_server, seed_ameli_campaign
from tests.web.desk.supervision_world import (
    Destinations,
    add_people,
    set_up_supervision,
    signed_in,
)
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
WALL_AGENTS = 20


@pytest.fixture()
def floor(
    app: FastAPI, world: World, settings: Settings, password_hash: str
) -> Iterator[tuple[LiveServer, int, Destinations]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    (chef,) = add_people(engine, password_hash, [("chef", "supervisor", "905")])
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=2
    )
    destinations = set_up_supervision(engine, campaign_id, chef)
    sim = SimulatorConfig(time_factor=0.05, seed=3, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id, destinations


def test_call_control_and_the_wall_side_by_side(
    floor: tuple[LiveServer, int, Destinations],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id, _ = floor
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        agent = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        chef = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        for page in (agent, chef):
            watch_errors(page, problems)
        sign_in(chef, server.url, "chef")
        expect(chef.get_by_role("heading", name="Supervision")).to_be_visible()
        sign_in(agent, server.url, "agent1")
        agent.get_by_role("link", name="Poste agent").click()
        agent.get_by_label("Campagne sur laquelle travailler").select_option(str(campaign_id))
        agent.get_by_role("button", name="Rejoindre la campagne").click()
        expect(chef.locator("#mur-agents tbody tr")).to_contain_text("En pause", timeout=WAIT_MS)
        agent.get_by_role("button", name="Me rendre disponible").click()
        expect(agent.locator("#nom-personne")).to_be_visible(timeout=WAIT_MS)
        controls = agent.locator("#controle-appel")
        expect(controls.get_by_role("button", name="Mettre en attente")).to_be_visible(
            timeout=WAIT_MS
        )
        # The wall: the agent on a call, the person's reference only.
        row = chef.locator("#mur-agents tbody tr").first
        expect(row).to_contain_text("En communication", timeout=WAIT_MS)
        expect(row).not_to_contain_text("Quintal")

        controls.get_by_role("button", name="Mettre en attente").click()
        expect(agent.locator("#etat-attente")).to_contain_text("en attente", timeout=WAIT_MS)
        shot(agent, "poste-controle-attente.png")
        controls.get_by_role("button", name="Reprendre l'appel").click()
        expect(agent.locator("#message-controle")).to_have_text("Appel repris.")

        row.get_by_role("button", name="Chuchoter").click()
        expect(chef.locator("#message-supervision")).to_contain_text("votre poste va sonner")
        # The campaign's policy (default) lets the agent know.
        expect(agent.locator("#ecoute-superviseur")).to_be_visible(timeout=WAIT_MS)

        controls.get_by_role("button", name="Demander de l'aide").click()
        expect(chef.locator("#alertes")).to_contain_text("demande de l'aide", timeout=WAIT_MS)
        shot(chef, "supervision-mur-aide.png")
        chef.get_by_role("button", name="Aide prise en charge").click()
        expect(chef.locator("#alertes")).not_to_contain_text("demande de l'aide", timeout=WAIT_MS)

        # The agent calls the supervisor in: a three-way call (ChanSpy in barge mode).
        controls.get_by_role("button", name="Conférence avec le superviseur").click()
        expect(agent.locator("#message-controle")).to_contain_text("Le superviseur est appelé")

        agent.get_by_label("Transférer vers").select_option(label="CPAM : second niveau")
        # Attended: the agent talks to the fund's service first, then comes back.
        controls.get_by_role("button", name="Transfert accompagné").click()
        expect(agent.locator("#etat-transfert")).to_contain_text(
            "« CPAM : second niveau »", timeout=WAIT_MS
        )
        expect(controls.get_by_role("button", name="Transfert direct")).to_be_hidden()
        shot(agent, "poste-controle-transfert-accompagne.png")
        controls.get_by_role("button", name="Annuler le transfert").click()
        expect(agent.locator("#message-controle")).to_contain_text("Transfert annulé")
        expect(agent.locator("#transfert-en-cours")).to_be_hidden(timeout=WAIT_MS)

        controls.get_by_role("button", name="Transfert direct").click()
        expect(agent.locator("#message-controle")).to_have_text("Appel transféré.")
        # The person is the fund's now: the desk asks for the outcome, offers no hang-up.
        expect(agent.locator("#message-appel")).to_contain_text(
            "la personne est en ligne avec la destination", timeout=WAIT_MS
        )
        expect(agent.locator("#raccrocher")).to_be_hidden()
        expect(agent.locator("#controle-en-appel")).to_be_hidden()
        shot(agent, "poste-controle-transfert.png")
        browser.close()
    sim = server.service.sim
    assert sim is not None
    done = [a["action"] for a in sim.actions if a.get("action") != "Originate"]
    for action in ("Redirect", "Bridge", "Atxfer", "CancelAtxfer", "BlindTransfer"):
        assert action in done, done
    assert [s.data.rsplit(",", 1)[1] for s in sim.core.spies] == ["qEw", "qEB"]
    assert problems == []


@pytest.fixture()
def crowd(
    app: FastAPI, world: World, settings: Settings, password_hash: str
) -> Iterator[tuple[LiveServer, int]]:
    engine = app.state.runtime.engine
    names = [(f"agent{n:02d}", "agent", f"8{n:02d}") for n in range(1, WALL_AGENTS + 1)]
    agents = add_people(engine, password_hash, names)
    (chef,) = add_people(engine, password_hash, [("chef", "supervisor", "905")])
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, agents, people=WALL_AGENTS
    )
    set_up_supervision(engine, campaign_id, chef)
    sim = SimulatorConfig(time_factor=0.05, seed=5, population=ANSWERING)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def _states(chef: Any) -> list[str]:
    return list(chef.locator("#mur-agents tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.state || '')"
    ))  # fmt: skip


def test_wall_with_twenty_agents_moving(crowd: tuple[LiveServer, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    server, campaign_id = crowd
    problems: list[str] = []
    with sync_playwright() as playwright, ExitStack() as sessions:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        chef = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        watch_errors(chef, problems)
        sign_in(chef, server.url, "chef")
        desks = [
            sessions.enter_context(signed_in(server.url, f"agent{n:02d}", "/poste"))
            for n in range(1, WALL_AGENTS + 1)
        ]
        for http, csrf in desks:
            joined = http.post("/poste/campagne", data={"campagne": str(campaign_id),
                                                        "csrf_token": csrf})  # fmt: skip
            assert joined.status_code == 303
        expect(chef.locator("#mur-agents tbody tr")).to_have_count(WALL_AGENTS, timeout=WAIT_MS)
        assert set(_states(chef)) == {"paused"}
        seen: list[list[str]] = [_states(chef)]
        # Agents go available in small groups: the dialer calls them, the wall follows.
        for start in range(0, WALL_AGENTS, 5):
            for http, csrf in desks[start : start + 5]:
                go_available_only(http, csrf)
            time.sleep(1.0)
            seen.append(_states(chef))
        deadline = time.monotonic() + 30
        while _states(chef).count("on_call") < WALL_AGENTS and time.monotonic() < deadline:
            time.sleep(0.5)
        seen.append(_states(chef))
        shot(chef, "supervision-mur-20-agents.png")
        browser.close()
    assert seen[-1].count("on_call") == WALL_AGENTS, seen[-1]
    # The wall moved through the states in between, not from all paused to all on a call.
    assert any("available" in states or "reserved" in states for states in seen[1:-1]) or any(
        0 < states.count("on_call") < WALL_AGENTS for states in seen[1:-1]
    ), seen
    assert problems == []


def go_available_only(http: Any, csrf: str) -> None:
    ready = http.post("/poste/disponible", data={"csrf_token": csrf})
    assert ready.status_code == 303, ready.text
