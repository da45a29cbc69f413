"""Two funds, two campaigns of different themes, one person with secrets in undeclared places.

Every role of the matrix is reached from here: anonymous, an agent enabled on the flu
campaign (bridged to a live call), an agent enabled nowhere, manager, DPO, admin, and
the API tokens of both funds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.models import CampaignAgent
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.supervision import CampaignSupervisor
from dialer.campaigns.waves import schedule_wave
from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.feed.tokens import create_token
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.engine.calling import presence
from tests.web.conftest import World, csrf_of, sign_in

NIR_BODY = "1841275111089"
NIR = NIR_BODY + f"{97 - int(NIR_BODY) % 97:02d}"  # in clear: only the DPO and the funds
CHILD = "ZZENFANTSECRET"  # child_dental theme data of the other fund's campaign
CODE = "CODESECRET12"  # a provisional code slipped into the flu contact: undeclared there
LAST_NAME = "ZZNOMASSURE"  # declared: the agent on the call sees it, managers do not
FEED_A = "zzfluxcaissea@example.org"  # fund A's result feed only
FEED_B = "zzfluxcaisseb@example.org"  # fund B's result feed only
REJECT_LINE = "ligne 2;NIR invalide"

ROLES = (
    "anon", "agent_on", "agent_off", "manager", "dpo", "admin", "fund_a", "fund_b", "supervisor",
)  # fmt: skip
USERNAMES = {
    "agent_on": "agent1",
    "agent_off": "agent2",
    "manager": "gestion",
    "dpo": "dpo",
    "admin": "admin",
    "supervisor": "chef",  # enabled on the flu campaign: sees agent1's call, never its person
}
# Who may ever read each marker; every other role must never receive it.
MARKER_READERS: dict[str, frozenset[str]] = {
    NIR: frozenset({"dpo", "fund_a", "fund_b"}),
    CHILD: frozenset({"dpo"}),
    CODE: frozenset({"dpo"}),
    LAST_NAME: frozenset({"agent_on", "dpo"}),
    FEED_A: frozenset({"fund_a", "dpo"}),
    FEED_B: frozenset({"fund_b", "dpo"}),
}


@dataclass
class Secure:
    world: World
    fund_a_code: str
    fund_b_code: str
    flu_id: int  # fund A, flu_vaccination
    dental_id: int  # fund B, child_dental
    person_id: int
    attempt_id: int  # agent1's live call on the flu campaign
    foreign_attempt_id: int  # an attempt given to agent1 on the dental campaign it is not on
    agent2_id: int
    job_id: int
    wave_id: int
    event_a: str
    event_b: str
    token_a: str
    token_b: str


def _person(db: Session, fund: Fund, cipher: DataCipher) -> Person:
    person = Person(
        audience="insured", identity_key="secure-person", fund_id=fund.id or 0,
        nir_cipher=cipher.encrypt(NIR, "nir"), nir_lookup=cipher.lookup(NIR, "nir"),
        birth_date=date(1984, 12, 15), last_name=LAST_NAME, first_name="Josiane",
        postal_code="75011", city="Paris", phone_e164="+33612345678",
        territory=Territory.METRO.value, time_zone="Europe/Paris",
    )  # fmt: skip
    db.add(person)
    db.flush()
    return person


def _contact(db: Session, campaign_id: int, person: Person, data: dict[str, object]) -> int:
    contact = CampaignContact(
        campaign_id=campaign_id, person_id=person.id or 0, row_ref=f"R-{campaign_id}",
        theme_data=data,
    )  # fmt: skip
    db.add(contact)
    db.flush()
    return contact.id or 0


def _live_call(db: Session, campaign_id: int, contact_id: int, person: Person, agent: int) -> int:
    attempt = CallAttempt(
        campaign_id=campaign_id, contact_id=contact_id, person_id=person.id or 0,
        worker_id="worker-test", number_e164=person.phone_e164 or "", agent_user_id=agent,
        state="connected", answered_at=utcnow(), connected_at=utcnow(),
    )  # fmt: skip
    db.add(attempt)
    db.flush()
    now = utcnow()
    presence.log_in(db, agent, campaign_id, now)
    presence.make_available(db, agent, now)
    presence.connect_agent(db, agent, attempt.id or 0, now)
    return attempt.id or 0


def _feed(db: Session, fund_id: int, campaign_id: int, person_id: int, email: str) -> str:
    event = emit_event(
        db, fund_id, "contact_change", {"field": "email", "value": email},
        campaign_id=campaign_id, person_id=person_id,
    )  # fmt: skip
    return event.event_id


@pytest.fixture()
def secure(app: FastAPI, world: World, password_hash: str) -> Secure:
    cipher: DataCipher = app.state.runtime.cipher
    with Session(app.state.runtime.engine, expire_on_commit=False) as db:
        fund_a = db.get(Fund, world.fund_id)
        assert fund_a is not None
        fund_b = create_fund(db, "CGSS971", "CGSS de Guadeloupe", Territory.GUADELOUPE)
        dental = create_campaign(
            db, "MTD-971", "M'T dents 971", "child_dental", fund_b, "0590000000"
        )
        agent1 = db.exec(select(User).where(User.username == "agent1")).one()
        agent2 = User(username="agent2", full_name="Agent Deux", role="agent",
phone_endpoint="902",                       password_hash=password_hash)  # fmt: skip
        db.add(agent2)
        db.flush()
        db.add(CampaignAgent(campaign_id=world.campaign_id, user_id=agent1.id or 0, enabled_by="t"))
        chef = User(username="chef", full_name="Chef Superviseur", role="supervisor",
                    phone_endpoint="905", password_hash=password_hash)  # fmt: skip
        db.add(chef)
        db.flush()
        db.add(CampaignSupervisor(campaign_id=world.campaign_id, user_id=chef.id or 0,
                                  enabled_by="t"))  # fmt: skip
        person = _person(db, fund_a, cipher)
        flu_contact = _contact(db, world.campaign_id, person,
                               {"flu_vaccinated": False, "provisional_code": CODE})  # fmt: skip
        child: dict[str, object] = {"child_first_name": CHILD, "child_last_name": CHILD}
        dental_contact = _contact(db, dental.id or 0, person, child)
        attempt_id = _live_call(db, world.campaign_id, flu_contact, person, agent1.id or 0)
        foreign = CallAttempt(
            campaign_id=dental.id or 0, contact_id=dental_contact, person_id=person.id or 0,
            worker_id="worker-test", number_e164="+33612345678", agent_user_id=agent1.id,
        )  # fmt: skip
        db.add(foreign)
        db.flush()
        job = ImportJob(campaign_id=world.campaign_id, filename="f.csv", sha256="0" * 64,
                        status="done", rejected=1, reject_report=REJECT_LINE + "\n")  # fmt: skip
        db.add(job)
        start = utcnow() + timedelta(days=1)
        wave = schedule_wave(db, world.campaign_id, "Vague 1", start, start + timedelta(hours=4))
        event_a = _feed(db, fund_a.id or 0, world.campaign_id, person.id or 0, FEED_A)
        event_b = _feed(db, fund_b.id or 0, dental.id or 0, person.id or 0, FEED_B)
        token_a = create_token(db, fund_a.id or 0, "SI CPAM")
        token_b = create_token(db, fund_b.id or 0, "SI CGSS")
        db.commit()
        return Secure(
            world=world, fund_a_code=fund_a.code, fund_b_code=fund_b.code,
            flu_id=world.campaign_id, dental_id=dental.id or 0, person_id=person.id or 0,
            attempt_id=attempt_id, foreign_attempt_id=foreign.id or 0,
            agent2_id=agent2.id or 0, job_id=job.id or 0,
            wave_id=wave.id or 0, event_a=event_a, event_b=event_b,
            token_a=token_a, token_b=token_b,
        )  # fmt: skip


@dataclass
class Caller:
    """A client acting as one role: its cookies or its bearer token, and its CSRF token."""

    role: str
    client: TestClient
    csrf: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def caller_for(client: TestClient, secure: Secure, role: str) -> Caller:
    if role in USERNAMES:
        return Caller(role, client, sign_in(client, USERNAMES[role]))
    if role == "anon":
        return Caller(role, client, csrf_of(client))
    token = secure.token_a if role == "fund_a" else secure.token_b
    # A machine client carries no cookie: drop the jar so the bearer token is all it has.
    client.cookies.clear()
    return Caller(role, client, "", {"Authorization": f"Bearer {token}"})


@dataclass
class StreamStart:
    status: int
    headers: dict[str, str]
    body: bytes


def first_chunk(app: FastAPI, path: str, caller: Caller) -> StreamStart:
    """The status and first bytes of an endless event stream, then the client hangs up."""
    cookie = "; ".join(f"{name}={value}" for name, value in caller.client.cookies.items())
    raw = [(b"host", b"testserver")]
    raw += [(k.lower().encode(), v.encode()) for k, v in caller.headers.items()]
    if cookie:
        raw.append((b"cookie", cookie.encode()))
    scope: dict[str, object] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": raw, "client": ("testclient", 50000),
        "server": ("testserver", 80),
    }  # fmt: skip
    return asyncio.run(_first_chunk(app, scope))


async def _first_chunk(app: FastAPI, scope: dict[str, object]) -> StreamStart:
    got = StreamStart(0, {}, b"")
    seen = asyncio.Event()
    asked = False

    async def receive() -> dict[str, object]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await seen.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            got.status = int(message["status"])  # type: ignore[call-overload]
            pairs = message.get("headers", [])
            got.headers = {k.decode(): v.decode() for k, v in pairs}  # type: ignore[attr-defined]
        elif message["type"] == "http.response.body":
            got.body += bytes(message.get("body", b""))  # type: ignore[call-overload]
            if got.body or not message.get("more_body", False):
                seen.set()

    task = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    try:
        await asyncio.wait_for(seen.wait(), 10)
        await asyncio.wait_for(asyncio.shield(task), 5)
    except TimeoutError:
        task.cancel()
    return got
