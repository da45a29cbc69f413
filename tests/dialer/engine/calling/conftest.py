"""Builders for the dialer tests: a campaign callable at any hour, people, agents, a clock."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.campaigns.policies import CallingPolicy, RetryPolicy, TimeWindow
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.calling import presence
from dialer.engine.calling.events import CALL_ENDED, DIALLING
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.service import DialerService
from dialer.operations.embedded import embedded_pbx
from telephony.sim import PopulationModel, SimulatorConfig

# Every day, every hour: these tests are about calls, not about calling windows.
ALWAYS = CallingPolicy(
    windows=[TimeWindow(start=time(0, 0), end=time(23, 59, 59, 999999))],
    weekdays=[0, 1, 2, 3, 4, 5, 6],
    skip_public_holidays=False,
)
# No machines (no AMD context in these campaigns) and no congestion: four outcomes.
MIXED = PopulationModel(
    busy=0.25, no_answer=0.25, congestion=0.0, invalid=0.1, machine=0.0,
    ring_mean_s=3.0, talk_mean_s=20.0, talk_min_s=2.0, talk_max_s=60.0,
)  # fmt: skip


class FakeClock:
    """The dialer's notion of now, moved by the test (the PBX keeps its own real time)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or utcnow()).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_campaign(
    engine: Engine,
    *,
    pacing_mode: str = "progressive",
    calling: CallingPolicy = ALWAYS,
    retry: RetryPolicy | None = None,
    code: str = "C1",
) -> int:
    with session_scope(engine) as session:
        fund = create_fund(session, f"F-{code}", "CPAM de test", Territory.METRO)
        campaign = create_campaign(
            session, code, "Campagne", "flu_vaccination", fund, "01 40 00 00 00", calling, retry
        )
        campaign.status = "active"
        campaign.pacing_mode = pacing_mode
        campaign.wrap_up_seconds = 0
        session.add(campaign)
        session.flush()
        return campaign.id or 0


def add_people(engine: Engine, campaign_id: int, numbers: Iterable[str]) -> list[int]:
    """One person and contact per E.164 number; returns the contact ids."""
    ids = []
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        for n, number in enumerate(numbers):
            person = Person(
                audience="insured",
                identity_key=f"{campaign_id}-{n}-{number}",
                fund_id=campaign.fund_id,
                last_name="Martin",
                first_name="Léa",
                phone_e164=number,
                territory=Territory.METRO.value,
                time_zone="Europe/Paris",
            )
            session.add(person)
            session.flush()
            contact = CampaignContact(campaign_id=campaign_id, person_id=person.id or 0)
            session.add(contact)
            session.flush()
            ids.append(contact.id or 0)
    return ids


def add_agents(engine: Engine, campaign_id: int, count: int, now: datetime) -> list[int]:
    """Agents enabled on the campaign, logged in and available."""
    ids = []
    with session_scope(engine) as session:
        for n in range(count):
            user = User(
                username=f"agent{campaign_id}-{n}", full_name="Agent", role="agent",
phone_endpoint="902",                 password_hash="-",
            )  # fmt: skip
            session.add(user)
            session.flush()
            user_id = user.id or 0
            session.add(CampaignAgent(campaign_id=campaign_id, user_id=user_id, enabled_by="t"))
            session.flush()
            presence.log_in(session, user_id, campaign_id, now)
            presence.make_available(session, user_id, now)
            ids.append(user_id)
    return ids


def make_service(
    engine: Engine,
    cipher: DataCipher,
    clock: FakeClock,
    *,
    time_factor: float = 0.002,
    population: PopulationModel = MIXED,
    seed: int = 7,
    dial_template: str = "Local/{national}@sim-persons",
) -> DialerService:
    settings = Settings(
        dial_template=dial_template,
        database_url=str(engine.url),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{free_port()}",
        embedded_pbx=True,
        worker_id="worker-test",
        ami_action_timeout_s=5.0,
        trunk_max_cps=1000.0,
    )
    sim = SimulatorConfig(time_factor=time_factor, seed=seed, population=population)
    return DialerService(
        Runtime(settings, engine, cipher), clock=clock, pbx=embedded_pbx(settings, sim)
    )


def rows(engine: Engine, model: type, *where: object) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return list(session.exec(select(model).where(*where)).all())  # type: ignore[arg-type]


def agents_busy(engine: Engine) -> int:
    busy = ("reserved", "on_call")
    return len(rows(engine, AgentPresence, AgentPresence.state.in_(busy)))  # type: ignore[attr-defined]


@dataclass
class DeskAgent:
    """Plays an agent at the desk: records an outcome for each answered call once it ends."""

    engine: Engine
    service: DialerService
    user_id: int
    clock: FakeClock
    choose: Callable[[int], OutcomeInput]
    recorded: list[int] = field(default_factory=list)
    popped: list[int] = field(default_factory=list)

    async def run(self) -> None:
        subscription = self.service.bus.open(self.user_id)
        try:
            while True:
                event = await subscription.next()
                if event["kind"] == DIALLING:
                    continue  # the phone rings: nothing to do at the desk yet
                if event["kind"] != CALL_ENDED:
                    self.popped.append(event["attempt_id"])
                elif event["attempt_id"] in self.popped:
                    await asyncio.to_thread(self._record, event["attempt_id"])
        finally:
            subscription.close()

    def _record(self, attempt_id: int) -> None:
        with session_scope(self.engine) as session:
            form = self.choose(attempt_id)
            record_outcome(session, attempt_id, self.user_id, form, now=self.clock())
        self.recorded.append(attempt_id)


async def run_until_idle(engine: Engine, service: DialerService, max_ticks: int = 3000) -> int:
    """Tick until nothing is dialled, no call is live and no agent owes an outcome."""
    assert service.worker is not None
    placed = 0
    quiet = 0
    for _ in range(max_ticks):
        report = await service.tick()
        placed += report.placed
        await asyncio.sleep(0.01)
        idle = report.placed == 0 and service.worker.live_calls == 0
        idle = idle and await asyncio.to_thread(agents_busy, engine) == 0
        quiet = quiet + 1 if idle else 0
        if quiet >= 3:
            return placed
    raise AssertionError(f"the dialer never went idle in {max_ticks} ticks")


def attempts_of(engine: Engine, contact_id: int) -> list[CallAttempt]:
    return rows(engine, CallAttempt, CallAttempt.contact_id == contact_id)
