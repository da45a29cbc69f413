"""The real app and dialing service on loopback ports, for the browser tests and the bench.

Uvicorn runs the app's own lifespan in a thread, so the dialer shares its event
loop as in production and the screen-pop bus the recorder publishes on is the one
the desk's event stream reads. The PBX simulator runs with a small time factor.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time as clock_time

import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.importing.records import seal_theme_data
from dialer.campaigns.models import CampaignAgent
from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.campaigns.setup import create_campaign
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.crypto import DataCipher
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import PopulationModel, SimulatorConfig
from web.main import create_app

# Every day, every hour: the desk is under test here, not the calling windows.
ALWAYS = CallingPolicy(
    windows=[TimeWindow(start=clock_time(0, 0), end=clock_time(23, 59, 59, 999999))],
    weekdays=[0, 1, 2, 3, 4, 5, 6],
    skip_public_holidays=False,
)
# Everybody answers and talks long enough for the agent to read and hang up.
ANSWERING = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    ring_mean_s=1.0, ring_max_s=2.0, talk_mean_s=600.0, talk_min_s=300.0, talk_max_s=900.0,
)  # fmt: skip
PROVISIONAL_CODE = "QK7R2M9XWB4T"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def embedded_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "embedded_pbx": True,
            "ami_url": f"ami://dialer:dialer-secret@127.0.0.1:{free_port()}",
            "ami_action_timeout_s": 5.0,
            "trunk_max_cps": 1000.0,
            # These tests stop the server with calls still ringing on purpose.
            "stop_drain_seconds": 1.0,
        }
    )


@dataclass
class LiveServer:
    app: FastAPI
    url: str
    service: DialerService


@contextmanager
def live_server(
    settings: Settings, sim: SimulatorConfig | None, tick_seconds: float = 0.1
) -> Iterator[LiveServer]:
    """The app with its real lifespan, which starts (and stops) the dialing service.

    ``sim`` None: the dialer talks to the PBX of ``settings.ami_url`` (a real Asterisk).
    """

    def service(runtime: Runtime) -> DialerService:
        pbx = embedded_pbx(runtime.settings, sim) if sim is not None else None
        return DialerService(runtime, pbx=pbx, tick_seconds=tick_seconds)

    served = embedded_settings(settings) if sim is not None else settings
    app = create_app(served, run_dialer=True, service_factory=service)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
        timeout_graceful_shutdown=1,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", app.state.web.dialing.service)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.runtime.engine.dispose()


def seed_ameli_campaign(
    engine: Engine,
    cipher: DataCipher,
    fund_id: int,
    agent_ids: list[int],
    people: int,
    *,
    wrap_up_seconds: int = 3,
    code: str = "AMELI-LIVE",
) -> int:
    """An active progressive ameli campaign with ``people`` to call; its id."""
    with Session(engine, expire_on_commit=False) as db:
        fund = db.get(Fund, fund_id)
        assert fund is not None
        campaign = create_campaign(
            db, code, "Compte ameli (en direct)", "ameli_account", fund, "0140000000", ALWAYS
        )
        campaign.status, campaign.wrap_up_seconds = "active", wrap_up_seconds
        db.flush()
        for agent_id in agent_ids:
            db.add(CampaignAgent(campaign_id=campaign.id or 0, user_id=agent_id, enabled_by="t"))
        sealed = seal_theme_data(
            {"provisional_code": PROVISIONAL_CODE, "provisional_code_expiry": "2027-01-31"},
            {"provisional_code"},
            cipher,
        )
        for n in range(people):
            person = Person(
                audience="insured", identity_key=f"{code}-{n}", fund_id=fund_id,
                nir_cipher=cipher.encrypt("269054958815780", "nir"), last_name=f"Quintal{n:04d}",
                first_name="Josiane", postal_code="75011", city="Paris",
                phone_e164=f"+3361{n:07d}", email=f"p{n}@example.org",
                territory=Territory.METRO.value, time_zone="Europe/Paris",
            )  # fmt: skip
            db.add(person)
            db.flush()
            db.add(
                CampaignContact(
                    campaign_id=campaign.id or 0, person_id=person.id or 0, theme_data=sealed
                )
            )
        db.commit()
        return campaign.id or 0


def first_fund_id(engine: Engine) -> int:
    with Session(engine) as db:
        fund_id = db.exec(select(Fund.id)).first()
        assert fund_id is not None
        return fund_id
