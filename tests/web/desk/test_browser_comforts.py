"""In Chromium, against the real app, dialer and PBX simulator: the desk's comforts.

The agent hangs up and the desk must say so (not « La personne a raccroché ») and
leave « En communication »; timers run; the pause reason shows in its select; the
day's counters move; the layout holds at 1280 px and does not overflow at 390 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import Outcome
from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.core.settings import Settings
from telephony.sim import PopulationModel, SimulatorConfig
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
from tests.web.desk.test_campaign_picker import set_status

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
    with session_scope(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.manual_dial = True
        db.add(campaign)
        # The second person asked agent1 to call back: due a minute ago.
        contact = db.exec(
            select(CampaignContact)
            .where(CampaignContact.campaign_id == campaign_id)
            .order_by(CampaignContact.id.desc())  # type: ignore[union-attr]
        ).first()
        assert contact is not None
        # The first is not callable today: once free, the agent gets no other call.
        first = db.exec(
            select(CampaignContact)
            .where(CampaignContact.campaign_id == campaign_id)
            .order_by(CampaignContact.id)  # type: ignore[arg-type]
        ).first()
        assert first is not None and first.id != contact.id
        first.next_attempt_at = utcnow() + timedelta(days=1)
        db.add(first)
        due = utcnow() - timedelta(minutes=1)
        contact.callback_at = due
        db.add(contact)
        asked = Outcome(
            contact_id=contact.id or 0, campaign_id=campaign_id, person_id=contact.person_id,
            agent_user_id=agent.id, callback_at=due,
        )  # fmt: skip
        db.add(asked)
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


@contextmanager
def joined_desk(url: str, campaign_id: int, problems: list[str]) -> Iterator[Any]:
    """agent1's desk in Chromium, on the campaign, in pause; page errors go to ``problems``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        agent = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        watch_errors(agent, problems)
        join(agent, url, campaign_id)
        yield agent
        browser.close()


def test_agent_hangs_up_and_the_desk_says_so(app: FastAPI, live: tuple[LiveServer, int]) -> None:
    from playwright.sync_api import expect

    server, campaign_id = live
    problems: list[str] = []
    with joined_desk(server.url, campaign_id, problems) as agent:
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
    assert problems == []


def test_desk_comforts_from_pause_to_a_callback_and_a_machine(
    app: FastAPI, live: tuple[LiveServer, int]
) -> None:
    from playwright.sync_api import expect

    server, campaign_id = live
    problems: list[str] = []
    with joined_desk(server.url, campaign_id, problems) as agent:
        # The current pause reason is the one selected after the page comes back.
        agent.get_by_label("Motif de la pause").select_option("Réunion")
        agent.get_by_role("button", name="Changer de motif").click()
        expect(agent.locator("#etat-agent")).to_contain_text("(Réunion)")
        expect(agent.get_by_label("Motif de la pause")).to_have_value("Réunion")
        # Time in state runs.
        expect(agent.locator("#chrono-etat")).not_to_have_text("0:00", timeout=WAIT_MS)
        expect(agent.locator("#compte-appels")).to_have_text("0")
        assert no_overflow(agent)
        # Manual dial: only this campaign's people, by name.
        agent.get_by_label("Référence ou nom d'une personne de la campagne").fill("quintal")
        agent.get_by_role("button", name="Chercher").click()
        expect(agent.locator("#resultats-recherche li")).to_have_count(2)
        # Quintal0000 is not callable today: refused in French, the pause goes on.
        first = agent.locator("#resultats-recherche li").filter(has_text="Quintal0000")
        first.get_by_role("button", name="Appeler").click()
        notice = agent.locator("#message-poste")
        expect(notice).to_contain_text("ne peut pas être appelée maintenant", timeout=WAIT_MS)
        expect(notice).to_contain_text("Délai avant la prochaine tentative")
        expect(agent.locator("#etat-agent")).to_contain_text("En pause")
        # « Mes rappels »: agent1's own callback, callable now.
        agent.locator("#mes-rappels summary").click()
        row = agent.locator("#table-rappels li")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Moi")
        expect(row).to_contain_text("Europe/Paris")
        shot(agent, "poste-confort-1280.png")
        agent.set_viewport_size({"width": 390, "height": 844})
        assert no_overflow(agent), "the paused desk overflows at 390 px"
        shot(agent, "poste-confort-390.png")
        agent.set_viewport_size({"width": 1280, "height": 800})
        row.get_by_role("button", name="Appeler maintenant").click()
        expect(agent.locator("#nom-personne")).to_contain_text("Quintal0001", timeout=WAIT_MS)
        expect(agent.locator("#etat-agent")).to_contain_text("En communication")
        expect(agent.locator("#chrono-appel")).not_to_have_text("0:00", timeout=WAIT_MS)
        assert no_overflow(agent)
        agent.set_viewport_size({"width": 390, "height": 844})
        assert no_overflow(agent), "the call panel overflows at 390 px"
        shot(agent, "poste-appel-390.png")
        agent.set_viewport_size({"width": 1280, "height": 800})
        # A machine picked up after all: one click records it and closes the line.
        agent.get_by_role("button", name="Répondeur / pas la bonne personne").click()
        expect(agent.locator("#titre-post-appel")).to_be_visible(timeout=WAIT_MS)
        # After the wrap-up the page comes back with the day's counters.
        expect(agent.locator("#compte-appels")).to_have_text("1", timeout=WAIT_MS)
        expect(agent.locator("#mes-appels")).to_contain_text("Répondeur / pas la bonne personne")
    with Session(app.state.runtime.engine) as db:
        outcomes = db.exec(select(Outcome).where(Outcome.attempt_id.is_not(None))).all()  # type: ignore[union-attr]
        assert [o.not_reached for o in outcomes] == [True]
        refused = db.exec(
            select(AccessEntry).where(AccessEntry.action == "manual_dial_refused")
        ).all()
        assert [e.detail for e in refused] == ["not_callable"]
    assert problems == [f"409 {server.url}/poste/appel-manuel"]  # the refusal, and only it


# Nobody answers: each call rings until the Originate's timeout (a few seconds here).
NOBODY = PopulationModel(
    busy=0.0, no_answer=1.0, congestion=0.0, invalid=0.0, machine=0.0, ring_mean_s=5.0,
)  # fmt: skip


@pytest.fixture()
def ringing(app: FastAPI, world: World, settings: Settings) -> Iterator[tuple[LiveServer, int]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent.id or 0], people=1
    )
    sim = SimulatorConfig(time_factor=0.2, seed=3, population=NOBODY)
    with live_server(settings, sim) as server:
        yield server, campaign_id


def test_the_dialing_shows_as_soon_as_the_stream_says_so_without_asking_the_server(
    app: FastAPI, ringing: tuple[LiveServer, int]
) -> None:
    """The dialer tells the desk « dialling » when it calls someone for the agent: the
    waiting area says so then, not at the desk's next poll of its state."""
    from playwright.sync_api import expect

    server, campaign_id = ringing
    problems: list[str] = []
    with joined_desk(server.url, campaign_id, problems) as agent:
        # Suspended while the agent gets ready, so the call comes once the desk listens.
        set_status(app, campaign_id, CampaignStatus.PAUSED)
        agent.get_by_role("button", name="Me rendre disponible").click()
        expect(agent.locator("#poste")).to_have_attribute("data-stream", "ouvert")
        # From now on the desk's state polls get no answer: only the stream can tell.
        agent.route("**/poste/etat", lambda route: route.abort())
        set_status(app, campaign_id, CampaignStatus.ACTIVE)
        expect(agent.locator("#numerotation")).to_have_text(
            "Numérotation en cours…", timeout=WAIT_MS
        )
        expect(agent.locator("#progression")).to_be_visible()
    # The polls this test cut fail in the page (as a network error would), nothing else.
    assert [p for p in problems if "/poste/etat" not in p and "Failed to" not in p] == []


def test_waiting_shows_the_dialing_then_the_last_attempts_result(
    ringing: tuple[LiveServer, int],
) -> None:
    from playwright.sync_api import expect

    server, campaign_id = ringing
    problems: list[str] = []
    with joined_desk(server.url, campaign_id, problems) as agent:
        agent.get_by_role("button", name="Me rendre disponible").click()
        expect(agent.locator("#numerotation")).to_have_text(
            "Numérotation en cours…", timeout=WAIT_MS
        )
        expect(agent.locator("#progression")).to_be_visible()
        shot(agent, "poste-numerotation.png")
        last = agent.locator("#derniere-tentative")
        expect(last).to_contain_text("Dernière tentative : pas de réponse", timeout=WAIT_MS)
        expect(agent.locator("#numerotation")).to_have_text("")
        # The state line follows at the desk's next state poll (every 5 s, the default wait).
        expect(agent.locator("#etat-agent")).to_contain_text("Disponible", timeout=WAIT_MS)
        # The day's counters follow without a reload.
        expect(agent.locator("#compte-appels")).to_have_text("1", timeout=WAIT_MS)
        expect(agent.locator("#mes-appels")).to_contain_text("Sans réponse (non abouti)")
    assert problems == []
