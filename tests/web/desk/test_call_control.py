"""Call control and supervision through the real app, dialer and PBX simulator (no mock):
each accepted action reaches the PBX as the AMI action Asterisk expects and is kept in
the call's record and the access trail; each refusal is French, traced, and never
reaches the PBX (the simulator's log of received actions says so)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.supervision import CampaignSupervisor
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.models import AccessEntry
from dialer.core.settings import Settings
from dialer.engine.callcontrol.journal import set_shows_listening
from dialer.engine.callcontrol.models import CallControlEntry
from telephony.sim import PbxSimulator, SimulatorConfig
from tests.web.conftest import World
from tests.web.desk.live_server import ANSWERING, LiveServer, live_server, seed_ameli_campaign
from tests.web.desk.supervision_world import (
    Destinations,
    add_people,
    go_available,
    set_up_supervision,
    signed_in,
    wait_bridged,
)

pytestmark = pytest.mark.slow


@dataclass
class Floor:
    server: LiveServer
    sim: PbxSimulator
    campaign_id: int
    other_campaign_id: int
    agent_id: int
    supervisor_id: int
    destinations: Destinations


@pytest.fixture()
def floor(app: FastAPI, world: World, settings: Settings, password_hash: str) -> Iterator[Floor]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    (supervisor_id,) = add_people(engine, password_hash, [("chef", "supervisor", "905")])
    cipher = app.state.runtime.cipher
    campaign_id = seed_ameli_campaign(engine, cipher, world.fund_id, [agent.id or 0], people=1)
    other = seed_ameli_campaign(engine, cipher, world.fund_id, [], people=0, code="AMELI-AUTRE")
    destinations = set_up_supervision(engine, campaign_id, supervisor_id)
    config = SimulatorConfig(time_factor=0.05, seed=3, population=ANSWERING)
    with live_server(settings, config) as server:
        assert server.service.sim is not None
        yield Floor(server, server.service.sim, campaign_id, other, agent.id or 0,
                    supervisor_id, destinations)  # fmt: skip


def actions_named(sim: PbxSimulator, name: str) -> list[dict[str, str]]:
    return [a for a in sim.actions if a.get("action", "").lower() == name.lower()]


def test_hold_resume_and_transfers(floor: Floor) -> None:
    engine = floor.server.app.state.runtime.engine
    with signed_in(floor.server.url, "agent1", "/poste") as (agent, csrf):
        go_available(agent, csrf, floor.campaign_id)
        attempt = wait_bridged(engine, floor.agent_id)
        call = f"/poste/appels/{attempt}"
        headers = {"X-CSRF-Token": csrf}
        state = agent.get(f"{call}/controle").json()
        assert state["live"] and not state["held"]
        assert [d["label"] for d in state["destinations"]] == [
            "CPAM : second niveau", "Superviseur",
        ]  # fmt: skip

        assert agent.post(f"{call}/attente", headers=headers).status_code == 204
        (redirect,) = actions_named(floor.sim, "Redirect")
        assert (redirect["channel"], redirect["context"]) == (f"dialer-{attempt}", "dialer-hold")
        assert redirect["extracontext"] == "dialer-hold-agent"
        assert agent.get(f"{call}/controle").json()["held"] is True
        assert agent.post(f"{call}/reprise", headers=headers).status_code == 204
        # Resumed at once: the first Bridge may find the channels still settling (as
        # Asterisk 22 does); the steering sends it again. Always by name:
        # Bridge matches by prefix, and dialer-N would also match dialer-N-2.
        bridge = actions_named(floor.sim, "Bridge")[-1]
        person = floor.sim.core.find(f"dialer-{attempt}")
        assert person is not None and person.name.endswith(";1")
        assert (bridge["channel1"], bridge["channel2"]) == (person.name, redirect["extrachannel"])
        assert floor.sim.core.control_log[-1].channel == person.name

        # Not on the campaign's list: refused in French, traced, never sent.
        refused = agent.post(f"{call}/transfert", headers=headers,
                             data={"destination": "999", "mode": "direct"})  # fmt: skip
        assert refused.status_code == 403
        assert "pas dans la liste de la campagne" in refused.text
        assert actions_named(floor.sim, "BlindTransfer") == []

        fund = {"destination": str(floor.destinations.fund), "mode": "direct"}
        done = agent.post(f"{call}/transfert", headers=headers, data=fund)
        assert done.status_code == 204, done.text
        (transfer,) = actions_named(floor.sim, "BlindTransfer")
        assert (transfer["context"], transfer["exten"]) == ("dialer-transfer", "0033198765432")
        assert transfer["channel"] == redirect["extrachannel"]  # the agent's channel

    with Session(engine) as db:
        kept = db.exec(select(CallControlEntry).order_by(col(CallControlEntry.id))).all()
        assert [(e.action, e.refused is None) for e in kept] == [
            ("hold", True), ("resume", True), ("blind_transfer", False), ("blind_transfer", True),
        ]  # fmt: skip
        trail = db.exec(select(AccessEntry.action).where(AccessEntry.attempt_id == attempt)).all()
        assert trail.count("call_control") == 3 and trail.count("refused") == 1
        (followup,) = db.exec(select(FeedEvent).where(FeedEvent.kind == "followup_request")).all()
        assert followup.payload["source"] == "call_transfer"
        assert "second niveau" in followup.payload["text"]


@contextmanager
def on_a_call(floor: Floor) -> Iterator[tuple[httpx.Client, str, dict[str, str], int]]:
    """agent1's desk on a call with the campaign's person: the client, the call's path,
    the CSRF header and the attempt."""
    engine = floor.server.app.state.runtime.engine
    with signed_in(floor.server.url, "agent1", "/poste") as (agent, csrf):
        go_available(agent, csrf, floor.campaign_id)
        attempt = wait_bridged(engine, floor.agent_id)
        yield agent, f"/poste/appels/{attempt}", {"X-CSRF-Token": csrf}, attempt


def test_after_a_blind_transfer_the_agent_leaves_the_person_with_the_fund(floor: Floor) -> None:
    """Handed over, the person talks with the fund's service on the same channel: the
    agent's outcome and « Raccrocher » must not hang that conversation up."""
    with on_a_call(floor) as (agent, call, headers, attempt):
        fund = {"destination": str(floor.destinations.fund), "mode": "direct"}
        assert agent.post(f"{call}/transfert", headers=headers, data=fund).status_code == 204
        hung_up = agent.post(f"{call}/raccrocher", headers=headers)
        assert hung_up.status_code == 409
        assert "transférée" in hung_up.text
        outcome = {"entretien": "accepted", "offre": "accepted"}
        saved = agent.post(f"{call}/resultat", headers=headers, data=outcome)
        assert saved.status_code == 200, saved.text
        assert actions_named(floor.sim, "Hangup") == []
        person = floor.sim.core.find(f"dialer-{attempt}")
        assert person is not None  # still on the line, with the fund
    with Session(floor.server.app.state.runtime.engine) as db:
        presence = db.get(AgentPresence, floor.agent_id)
        assert presence is not None and presence.state == "wrap_up"


def test_attended_transfer_cancelled_then_completed(floor: Floor) -> None:
    engine = floor.server.app.state.runtime.engine
    with on_a_call(floor) as (agent, call, headers, attempt):
        fund = {"destination": str(floor.destinations.fund), "mode": "accompagne"}

        # Nothing under way: refused in French before the PBX hears of it.
        for path in ("/transfert/annuler", "/transfert/terminer"):
            nothing = agent.post(f"{call}{path}", headers=headers)
            assert nothing.status_code == 409
            assert "Aucun transfert accompagné" in nothing.text
        refused = agent.post(f"{call}/transfert", headers=headers,
                             data={"destination": "999", "mode": "accompagne"})  # fmt: skip
        assert refused.status_code == 403
        assert "pas dans la liste de la campagne" in refused.text
        assert actions_named(floor.sim, "Atxfer") == []
        assert actions_named(floor.sim, "CancelAtxfer") == []

        assert agent.post(f"{call}/transfert", headers=headers, data=fund).status_code == 204
        (first,) = actions_named(floor.sim, "Atxfer")
        assert (first["context"], first["exten"]) == ("dialer-transfer", "0033198765432")
        agent_channel = first["channel"]
        assert agent_channel.startswith("Local/") and agent_channel != f"dialer-{attempt}"
        assert agent.get(f"{call}/controle").json()["consulting"] == "CPAM : second niveau"
        again = agent.post(f"{call}/transfert", headers=headers, data=fund)
        assert again.status_code == 409 and "déjà en cours" in again.text
        assert len(actions_named(floor.sim, "Atxfer")) == 1

        assert agent.post(f"{call}/transfert/annuler", headers=headers).status_code == 204
        (cancel,) = actions_named(floor.sim, "CancelAtxfer")
        assert cancel["channel"] == agent_channel
        assert agent.get(f"{call}/controle").json()["consulting"] is None
        with Session(engine) as db:
            # Cancelled: the fund has nothing to follow up.
            assert (
                db.exec(select(FeedEvent).where(FeedEvent.kind == "followup_request")).all() == []
            )

        assert agent.post(f"{call}/transfert", headers=headers, data=fund).status_code == 204
        done = agent.post(f"{call}/transfert/terminer", headers=headers)
        assert done.status_code == 204, done.text
        (leave,) = [a for a in actions_named(floor.sim, "Hangup") if a["channel"] == agent_channel]
        assert leave["cause"] == "16"
        # The person stays on the line with the destination (recording call-control/65).
        assert floor.sim.core.find(f"dialer-{attempt}") is not None
        assert agent.get(f"{call}/controle").json()["consulting"] is None

    with Session(engine) as db:
        kept = db.exec(select(CallControlEntry).order_by(col(CallControlEntry.id))).all()
        assert [(e.action, e.refused is None) for e in kept] == [
            ("cancel_transfer", False), ("complete_transfer", False),
            ("attended_transfer", False), ("attended_transfer", True),
            ("attended_transfer", False), ("cancel_transfer", True),
            ("attended_transfer", True), ("complete_transfer", True),
        ]  # fmt: skip
        assert kept[-1].destination == "CPAM : second niveau"
        trail = db.exec(select(AccessEntry.action).where(AccessEntry.attempt_id == attempt)).all()
        assert trail.count("call_control") == 4 and trail.count("refused") == 4
        (followup,) = db.exec(select(FeedEvent).where(FeedEvent.kind == "followup_request")).all()
        assert "second niveau" in followup.payload["text"]


def test_supervisor_listens_only_on_its_campaigns(floor: Floor) -> None:
    engine = floor.server.app.state.runtime.engine
    with (
        signed_in(floor.server.url, "agent1", "/poste") as (agent, csrf),
        signed_in(floor.server.url, "chef", "/supervision") as (chef, chef_csrf),
    ):
        go_available(agent, csrf, floor.campaign_id)
        attempt = wait_bridged(engine, floor.agent_id)
        wall = chef.get("/supervision/etat").json()
        (row,) = wall["agents"]
        assert (row["state"], row["attempt_id"]) == ("on_call", attempt)
        assert row["person_ref"] and "Quintal" not in str(wall)  # a reference, never a name

        # The same call seen from a campaign the supervisor is not enabled on: refused.
        with Session(engine) as db:
            link = db.exec(select(CampaignSupervisor)).one()
            link.campaign_id = floor.other_campaign_id
            db.add(link)
            db.commit()
        listen = f"/supervision/appels/{attempt}/ecoute"
        headers = {"X-CSRF-Token": chef_csrf}
        refused = chef.post(listen, headers=headers, data={"mode": "ecouter"})
        assert refused.status_code == 403 and "pas habilité" in refused.text
        assert not [a for a in actions_named(floor.sim, "Originate") if a.get("application")]
        assert floor.sim.core.spies == []

        with Session(engine) as db:
            link = db.exec(select(CampaignSupervisor)).one()
            link.campaign_id = floor.campaign_id
            db.add(link)
            db.commit()
        assert chef.post(listen, headers=headers, data={"mode": "chuchoter"}).status_code == 204
        (spy,) = floor.sim.core.spies
        assert (spy.phone, spy.application) == ("Local/905@sim-agents", "ChanSpy")
        assert spy.data.endswith(",qEw") and spy.data.startswith("Local/901@sim-agents-")
        # The campaign's policy shows it to the agent (the default)...
        assert agent.get(f"/poste/appels/{attempt}/controle").json()["listening"] is True
        with Session(engine) as db:
            set_shows_listening(db, floor.campaign_id, False)
            db.commit()
        # ...or not.
        assert agent.get(f"/poste/appels/{attempt}/controle").json()["listening"] is False

        # The agent asks for help: the wall raises it until the supervisor takes it.
        assert agent.post("/poste/aide", headers={"X-CSRF-Token": csrf}).status_code == 204
        alerts = chef.get("/supervision/etat").json()["alerts"]
        assert any(a["kind"] == "help" for a in alerts)
        taken = chef.post(f"/supervision/agents/{floor.agent_id}/aide", headers=headers)
        assert taken.status_code == 204
        assert not any(a["kind"] == "help" for a in chef.get("/supervision/etat").json()["alerts"])

    with Session(engine) as db:
        trail = db.exec(select(AccessEntry).where(AccessEntry.attempt_id == attempt)).all()
        by_action = {(e.action, e.actor) for e in trail}
        assert ("refused", "chef") in by_action and ("call_supervision", "chef") in by_action


def test_agents_and_managers_cannot_supervise(floor: Floor) -> None:
    with signed_in(floor.server.url, "agent1", "/poste") as (agent, csrf):
        assert agent.get("/supervision").status_code == 403
        denied = agent.post("/supervision/appels/1/ecoute", headers={"X-CSRF-Token": csrf},
                            data={"mode": "ecouter"})  # fmt: skip
        assert denied.status_code == 403
    assert floor.sim.core.spies == []
