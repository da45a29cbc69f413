"""Preview at the desk: the record first, then "Appeler" or "Passer", through the real dialer.

The app runs its own lifespan (dialing service and PBX simulator); the test ticks
the dialer itself, on the lifespan's event loop, so each record comes when asked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.calling import presence
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import SimulatorConfig
from tests.web.conftest import World, sign_in
from tests.web.desk.live_server import ANSWERING, embedded_settings, seed_ameli_campaign
from web.main import create_app

# A guard against a hang while the simulated person picks up, not a measure.
CONNECT_GUARD_S = 30.0


@dataclass
class PreviewDesk:
    app: FastAPI
    client: TestClient
    service: DialerService
    campaign_id: int
    agent_id: int

    def tick(self) -> Any:
        assert self.client.portal is not None
        return self.client.portal.call(self.service.tick)

    def attempts(self) -> list[CallAttempt]:
        with Session(self.app.state.runtime.engine) as db:
            return list(db.exec(select(CallAttempt).order_by(col(CallAttempt.id))))

    def contact(self, contact_id: int) -> CampaignContact:
        with Session(self.app.state.runtime.engine) as db:
            found = db.get(CampaignContact, contact_id)
            assert found is not None
            return found


def _agents(app: FastAPI, password_hash: str) -> tuple[int, int]:
    with Session(app.state.runtime.engine) as db:
        agent1 = db.exec(select(User).where(User.username == "agent1")).one()
        agent2 = User(
            username="agent2",
            full_name="Agent Deux",
            role="agent",
            phone_endpoint="902",
            password_hash=password_hash,
        )
        db.add(agent2)
        db.commit()
        return agent1.id or 0, agent2.id or 0


@pytest.fixture()
def desk(
    app: FastAPI, world: World, settings: Settings, password_hash: str
) -> Iterator[PreviewDesk]:
    engine = app.state.runtime.engine
    agent1, agent2 = _agents(app, password_hash)
    campaign_id = seed_ameli_campaign(
        engine, app.state.runtime.cipher, world.fund_id, [agent1, agent2], people=2
    )
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.pacing_mode = "preview"
        db.add(campaign)
        # agent2 works on the campaign too, paused: its refusals are about ownership alone.
        presence.log_in(db, agent2, campaign_id, utcnow())
        db.commit()
    sim = SimulatorConfig(time_factor=0.01, seed=3, population=ANSWERING)

    def service(runtime: Runtime) -> DialerService:
        # One tick at start-up, then the test ticks by itself.
        return DialerService(runtime, pbx=embedded_pbx(runtime.settings, sim), tick_seconds=3600)

    live = create_app(embedded_settings(settings), run_dialer=True, service_factory=service)
    try:
        with TestClient(live, base_url="http://testserver", follow_redirects=False) as client:
            yield PreviewDesk(live, client, live.state.web.dialing.service, campaign_id, agent1)
    finally:
        live.state.web.imports.shutdown()
        live.state.runtime.engine.dispose()


def _available(desk: PreviewDesk) -> str:
    token = sign_in(desk.client, "agent1")
    for path, data in (("/poste/campagne", {"campagne": str(desk.campaign_id)}),
                       ("/poste/disponible", {})):  # fmt: skip
        response = desk.client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 303, response.text
    return token


def _offered(desk: PreviewDesk) -> CallAttempt:
    report = desk.tick()
    assert (report.placed, report.previewed) == (0, 1)
    [attempt] = [a for a in desk.attempts() if a.result is None]
    state = desk.client.get("/poste/etat").json()
    assert (state["state"], state["preview"], state["attempt_id"]) == ("reserved", True, attempt.id)
    assert state["contact_id"] == attempt.contact_id  # ids only, as the screen pop carries
    return attempt


def _screen_pops(desk: PreviewDesk) -> list[AccessEntry]:
    with Session(desk.app.state.runtime.engine) as db:
        query = select(AccessEntry).where(AccessEntry.action == "screen_pop")
        return list(db.exec(query.order_by(col(AccessEntry.id))))


def test_the_panel_shows_the_record_with_call_and_pass_buttons(desk: PreviewDesk) -> None:
    token = _available(desk)
    attempt = _offered(desk)
    page = desk.client.get(f"/poste/appels/{attempt.id}")
    assert page.status_code == 200
    html = page.text
    assert "Fiche à appeler" in html and "Quintal" in html and "Josiane" in html
    assert f'data-url="/poste/appels/{attempt.id}/appeler">Appeler</button>' in html
    assert f'data-url="/poste/appels/{attempt.id}/passer">Passer</button>' in html
    assert "Raccrocher" not in html and 'id="form-resultat"' not in html
    assert "Révéler le code" not in html  # the code is for the person, on the call
    assert 'id="script-appel"' in html  # the script is there to prepare the call
    [entry] = _screen_pops(desk)
    assert (entry.actor, entry.campaign_id, entry.attempt_id) == ("agent1", desk.campaign_id, None)
    # No code and no outcome before the call.
    headers = {"X-CSRF-Token": token}
    assert desk.client.post(f"/poste/appels/{attempt.id}/code", headers=headers).status_code == 409
    outcome = {"csrf_token": token, "entretien": "refuse"}
    assert desk.client.post(f"/poste/appels/{attempt.id}/resultat", data=outcome).status_code == 409
    assert desk.service.sim is not None and desk.service.sim.dial_log == []


def test_buttons_need_the_csrf_token_and_this_agents_preview(desk: PreviewDesk) -> None:
    _available(desk)
    attempt = _offered(desk)
    for action in ("appeler", "passer"):
        refused = desk.client.post(f"/poste/appels/{attempt.id}/{action}")
        assert refused.status_code == 403, action  # no CSRF token
    other = sign_in(desk.client, "agent2")
    for action in ("appeler", "passer"):
        url = f"/poste/appels/{attempt.id}/{action}"
        refused = desk.client.post(url, headers={"X-CSRF-Token": other})
        assert refused.status_code == 403, action
        assert "ne vous est pas confié" in refused.text
    [still] = desk.attempts()
    assert (still.state, still.agent_user_id) == ("preview", desk.agent_id)
    assert desk.service.sim is not None and desk.service.sim.dial_log == []


def test_pass_then_call_the_next_record(desk: PreviewDesk) -> None:
    token = _available(desk)
    headers = {"X-CSRF-Token": token}
    first = _offered(desk)
    passed = desk.client.post(f"/poste/appels/{first.id}/passer", headers=headers)
    assert passed.status_code == 204
    skipped = desk.contact(first.contact_id)
    assert (skipped.status, skipped.attempts) == ("pending", 0)
    assert desk.client.get("/poste/etat").json()["state"] == "available"

    second = _offered(desk)
    assert second.contact_id != first.contact_id
    called = desk.client.post(f"/poste/appels/{second.id}/appeler", headers=headers)
    assert called.status_code == 204
    again = desk.client.post(f"/poste/appels/{second.id}/appeler", headers=headers)
    assert again.status_code == 409  # called once
    assert desk.service.sim is not None and len(desk.service.sim.dial_log) == 1
    deadline = time.monotonic() + CONNECT_GUARD_S
    while desk.client.get("/poste/etat").json()["state"] != "on_call":
        assert time.monotonic() < deadline, "the person never reached the agent"
        time.sleep(0.05)
    page = desk.client.get(f"/poste/appels/{second.id}").text
    assert "En ligne" in page and "Raccrocher" in page and 'id="form-resultat"' in page
    assert "Appeler</button>" not in page and "Révéler le code" in page
    assert _screen_pops(desk)[-1].attempt_id == second.id
