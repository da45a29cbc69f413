"""The desk's call control through the whole app on a real Asterisk 22 (asterisk/*.conf
with the test dialplan): hold, resume (twice, once at once), a supervisor listening,
then a blind transfer to the fund, with the call live for the dialer throughout.

Skipped unless DIALER_TEST_AMI_URL is set. The person is a number of ``sim-persons``
(answers, talks 20 s), the agent the virtual phone 901 of ``sim-agents``, the
supervisor's phone 905. Before the resume named the person's channel, the call broke
here about one time in two: AMI Bridge finds channels by prefix, and the ChannelId
dialer-N also matched the person's Local ;2.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.core.settings import Settings
from dialer.engine.callcontrol.models import CallControlEntry
from tests.telephony.phones.real_pbx import needs_asterisk
from tests.web.conftest import World
from tests.web.desk.live_server import LiveServer, live_server, seed_ameli_campaign
from tests.web.desk.supervision_world import (
    Destinations,
    add_people,
    go_available,
    set_up_supervision,
    signed_in,
    wait_bridged,
)

pytestmark = [needs_asterisk, pytest.mark.slow]


@pytest.fixture()
def real_floor(
    app: FastAPI, world: World, settings: Settings, password_hash: str
) -> Iterator[tuple[LiveServer, int, int, Destinations]]:
    engine = app.state.runtime.engine
    with Session(engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
    (supervisor_id,) = add_people(engine, password_hash, [("chef", "supervisor", "905")])
    cipher = app.state.runtime.cipher
    campaign_id = seed_ameli_campaign(engine, cipher, world.fund_id, [agent.id or 0], people=1)
    destinations = set_up_supervision(engine, campaign_id, supervisor_id)
    real = settings.model_copy(
        update={
            "ami_url": os.environ["DIALER_TEST_AMI_URL"],
            "embedded_pbx": False,
            "ami_action_timeout_s": 5.0,
            "stop_drain_seconds": 1.0,
        }
    )
    with live_server(real, None) as server:
        yield server, campaign_id, agent.id or 0, destinations


def still_live(server: LiveServer, attempt: int) -> bool:
    with Session(server.app.state.runtime.engine) as db:
        call = db.get(CallAttempt, attempt)
        return call is not None and call.ended_at is None and call.state == "connected"


def test_hold_resume_listen_and_transfer_on_the_real_pbx(
    real_floor: tuple[LiveServer, int, int, Destinations],
) -> None:
    server, campaign_id, agent_id, destinations = real_floor
    engine = server.app.state.runtime.engine
    with (
        signed_in(server.url, "agent1", "/poste") as (agent, csrf),
        signed_in(server.url, "chef", "/supervision") as (chef, chef_csrf),
    ):
        go_available(agent, csrf, campaign_id)
        attempt = wait_bridged(engine, agent_id)
        call, headers = f"/poste/appels/{attempt}", {"X-CSRF-Token": csrf}
        for held_s in (1.0, 0.0):
            held = agent.post(f"{call}/attente", headers=headers)
            assert held.status_code == 204, held.text
            time.sleep(held_s)
            resumed = agent.post(f"{call}/reprise", headers=headers)
            assert resumed.status_code == 204, resumed.text
            time.sleep(1.5)
            assert still_live(server, attempt)
            assert agent.get(f"{call}/controle").json()["live"] is True

        listen = f"/supervision/appels/{attempt}/ecoute"
        spied = chef.post(listen, headers={"X-CSRF-Token": chef_csrf}, data={"mode": "ecouter"})
        assert spied.status_code == 204, spied.text
        time.sleep(1.0)
        assert still_live(server, attempt)

        fund = {"destination": str(destinations.fund), "mode": "direct"}
        done = agent.post(f"{call}/transfert", headers=headers, data=fund)
        assert done.status_code == 204, done.text

    with Session(engine) as db:
        kept = db.exec(select(CallControlEntry).order_by(col(CallControlEntry.id))).all()
        assert [(e.action, e.refused) for e in kept] == [
            ("hold", None), ("resume", None), ("hold", None), ("resume", None),
            ("listen", None), ("blind_transfer", None),
        ]  # fmt: skip
