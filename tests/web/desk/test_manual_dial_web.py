"""Manual dial and « Mes rappels » at the desk, through the real dialer and PBX simulator.

Every refusal answers in French, leaves a ``manual_dial_refused`` entry in the access
trail and never reaches the PBX: the simulator's dial log stays empty.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from consent import ledger
from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.setup import create_fund
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import PopulationModel, SimulatorConfig
from tests.web.conftest import World, sign_in
from tests.web.desk.live_server import ANSWERING, embedded_settings, seed_ameli_campaign
from web.main import create_app

CONNECT_GUARD_S = 30.0


@dataclass
class Desk:
    app: FastAPI
    client: TestClient
    service: DialerService
    campaign_id: int
    contacts: list[int]
    elsewhere: int  # a contact of another campaign, in another fund
    agent_id: int

    @property
    def dialled(self) -> int:
        assert self.service.sim is not None
        return len(self.service.sim.dial_log)

    def trail(self, action: str) -> list[AccessEntry]:
        with Session(self.app.state.runtime.engine) as db:
            query = select(AccessEntry).where(AccessEntry.action == action)
            return list(db.exec(query.order_by(col(AccessEntry.id))))


def _contacts(app: FastAPI, campaign_id: int) -> list[int]:
    with Session(app.state.runtime.engine) as db:
        query = select(CampaignContact.id).where(CampaignContact.campaign_id == campaign_id)
        return sorted(i for i in db.exec(query) if i is not None)


@contextmanager
def open_desk(
    app: FastAPI, world: World, settings: Settings, sim: SimulatorConfig
) -> Iterator[Desk]:
    engine, cipher = app.state.runtime.engine, app.state.runtime.cipher
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one().id or 0
    campaign_id = seed_ameli_campaign(engine, cipher, world.fund_id, [agent], people=3)
    with session_scope(engine) as db:
        other_fund = create_fund(db, "CGSS974", "CGSS de La Réunion", Territory.REUNION)
        other_fund_id = other_fund.id or 0
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.manual_dial = True
        db.add(campaign)
    other = seed_ameli_campaign(engine, cipher, other_fund_id, [], people=1, code="AUTRE")

    def service(runtime: Runtime) -> DialerService:
        # One tick at start-up, then none: only the manual calls are placed.
        return DialerService(runtime, pbx=embedded_pbx(runtime.settings, sim), tick_seconds=3600)

    live = create_app(embedded_settings(settings), run_dialer=True, service_factory=service)
    try:
        with TestClient(live, base_url="http://testserver", follow_redirects=False) as client:
            yield Desk(
                live, client, live.state.web.dialing.service, campaign_id,
                _contacts(app, campaign_id), _contacts(app, other)[0], agent,
            )  # fmt: skip
    finally:
        live.state.web.imports.shutdown()
        live.state.runtime.engine.dispose()


@pytest.fixture()
def desk(app: FastAPI, world: World, settings: Settings) -> Iterator[Desk]:
    sim = SimulatorConfig(time_factor=0.01, seed=3, population=ANSWERING)
    with open_desk(app, world, settings, sim) as opened:
        yield opened


def _join(desk: Desk) -> dict[str, str]:
    token = sign_in(desk.client, "agent1")
    joined = desk.client.post(
        "/poste/campagne", data={"campagne": str(desk.campaign_id), "csrf_token": token}
    )
    assert joined.status_code == 303
    return {"X-CSRF-Token": token}


def _dial(desk: Desk, headers: dict[str, str], contact: int, origin: str = "recherche") -> str:
    response = desk.client.post(
        "/poste/appel-manuel", data={"personne": str(contact), "origine": origin},
        headers=headers,
    )  # fmt: skip
    return f"{response.status_code} {html.unescape(response.text)}"


def test_search_then_call_goes_through_the_dialer(desk: Desk) -> None:
    headers = _join(desk)
    found = desk.client.post("/poste/recherche", data={"q": "quintal"}, headers=headers)
    assert found.status_code == 200
    assert found.text.count('class="button button-small appeler-maintenant"') == 3
    assert "AUTRE" not in found.text  # the other campaign's person is never found
    searched = desk.trail("search")
    assert len(searched) == 3 and all(e.campaign_id == desk.campaign_id for e in searched)
    assert searched[0].fields == ["city", "first_name", "last_name", "row_ref"]

    answer = _dial(desk, headers, desk.contacts[2])
    assert answer.startswith("204"), answer
    assert desk.dialled == 1  # one Originate, placed by the worker
    [attempt] = [a for a in _attempts(desk) if a.contact_id == desk.contacts[2]]
    assert attempt.agent_user_id == desk.agent_id
    [traced] = desk.trail("manual_dial")
    assert (traced.attempt_id, traced.detail) == (attempt.id, "recherche d'une personne")
    deadline = time.monotonic() + CONNECT_GUARD_S
    while desk.client.get("/poste/etat").json()["state"] != "on_call":
        assert time.monotonic() < deadline, "the person never reached the agent"
        time.sleep(0.05)
    # The agent is on that call: a second manual call is refused, untouched PBX.
    assert _dial(desk, headers, desk.contacts[0]).startswith("409")
    assert desk.dialled == 1


def _attempts(desk: Desk) -> list[CallAttempt]:
    with Session(desk.app.state.runtime.engine) as db:
        return list(db.exec(select(CallAttempt)))


def test_refusals_are_french_traced_and_never_reach_the_pbx(desk: Desk) -> None:
    headers = _join(desk)
    engine = desk.app.state.runtime.engine
    assert "n'appartient pas à la campagne" in _dial(desk, headers, desk.elsewhere)
    # A person of another fund slipped into this campaign's contacts.
    with session_scope(engine) as db:
        contact = db.get(CampaignContact, desk.contacts[0])
        assert contact is not None
        person = db.get(Person, contact.person_id)
        assert person is not None
        other_fund = db.exec(select(Campaign).where(Campaign.code == "AUTRE")).one().fund_id
        person.fund_id = other_fund
        db.add(person)
    assert "autre caisse" in _dial(desk, headers, desk.contacts[0])
    # Not callable now: the person refused calls (the dialer's own rule says why).
    with session_scope(engine) as db:
        contact = db.get(CampaignContact, desk.contacts[1])
        assert contact is not None
        ledger.record(db, contact.person_id, "call", "opt_out", "rights_request", "dpo")
    refused = _dial(desk, headers, desk.contacts[1])
    assert refused.startswith("409") and "refusé les appels sortants" in refused
    # Not a callback: only a search's person may be dialled by hand, and only if allowed.
    assert "pas de rappel programmé" in _dial(desk, headers, desk.contacts[2], "rappel")
    assert _dial(desk, headers, 10**9).startswith("403")  # no such person at all
    with session_scope(engine) as db:
        campaign = db.get(Campaign, desk.campaign_id)
        assert campaign is not None
        campaign.manual_dial = False
        db.add(campaign)
    assert "pas ouvert sur cette campagne" in _dial(desk, headers, desk.contacts[2])
    assert (
        desk.client.post("/poste/recherche", data={"q": "quintal"}, headers=headers).status_code
        == 409
    )
    assert desk.dialled == 0 and _attempts(desk) == []
    codes = [e.detail for e in desk.trail("manual_dial_refused")]
    assert codes == [
        "other_campaign", "other_fund", "not_callable", "not_a_callback", "other_campaign",
        "not_allowed",
    ]  # fmt: skip
    assert desk.client.get("/poste/etat").json()["state"] == "paused"


def test_my_callbacks_in_local_time_callable_only_when_the_rules_allow(desk: Desk) -> None:
    headers = _join(desk)
    engine = desk.app.state.runtime.engine
    now = utcnow()
    with session_scope(engine) as db:
        for index, (contact_id, when) in enumerate(
            ((desk.contacts[0], now - timedelta(minutes=5)),
             (desk.contacts[1], now + timedelta(hours=3)))
        ):  # fmt: skip
            contact = db.get(CampaignContact, contact_id)
            assert contact is not None
            contact.callback_at = when
            db.add(contact)
            agent = desk.agent_id if index == 0 else None
            asked = Outcome(
                contact_id=contact_id, campaign_id=desk.campaign_id,
                person_id=contact.person_id, agent_user_id=agent, callback_at=when,
            )  # fmt: skip
            db.add(asked)
    page = desk.client.get("/poste/rappels")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Europe/Paris" in text and text.index("Moi") < text.index("Campagne")
    assert text.count('data-origin="rappel"') == 1  # only the due one may be called now
    assert "disabled" in text and "heure convenue" in text and "Possible à partir du" in text
    assert len(desk.trail("search")) == 2
    # « Appeler maintenant » on the due callback, even though manual dial is allowed or not.
    answer = _dial(desk, headers, desk.contacts[0], "rappel")
    assert answer.startswith("204"), answer
    assert desk.dialled == 1


# Nobody answers: the phone rings until the Originate's timeout, long enough to see it.
NOBODY = PopulationModel(
    busy=0.0, no_answer=1.0, congestion=0.0, invalid=0.0, machine=0.0, ring_mean_s=5.0,
)  # fmt: skip


def test_the_desk_shows_the_dialing_then_the_last_attempts_result(
    app: FastAPI, world: World, settings: Settings
) -> None:
    sim = SimulatorConfig(time_factor=0.1, seed=3, population=NOBODY)
    with open_desk(app, world, settings, sim) as desk:
        headers = _join(desk)
        answer = _dial(desk, headers, desk.contacts[0])
        assert answer.startswith("204"), answer
        state = desk.client.get("/poste/etat").json()
        assert (state["state"], state["dialing"]) == ("reserved", "Numérotation en cours…")
        deadline = time.monotonic() + CONNECT_GUARD_S
        while "last_attempt" not in state:
            assert time.monotonic() < deadline, "the unanswered call never ended"
            time.sleep(0.1)
            state = desk.client.get("/poste/etat").json()
        assert state["state"] == "available" and "dialing" not in state
        assert state["last_attempt"].startswith("Dernière tentative : pas de réponse (")
        page = desk.client.get("/poste").text
        assert 'id="compte-appels">1<' in page  # « Mes appels du jour »
        assert "Sans réponse (non abouti)" in page
