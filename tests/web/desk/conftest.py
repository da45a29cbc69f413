"""A person called on an ameli campaign, bridged to agent1, with history elsewhere too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.records import seal_theme_data
from dialer.campaigns.models import CampaignAgent
from dialer.campaigns.setup import create_campaign
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.engine.calling import presence
from tests.web.conftest import World

NIR = "269054958815780"
CODE = "QK7R2M9XWB4T"
CHILD = "Philomène"  # declared by child_dental only
PRO_NUMBER = "10003456789"  # a column no insured theme declares
OTHER_CAMPAIGN_CATEGORY = "Carte Vitale"


@dataclass
class Desk:
    ameli_id: int
    flu_id: int
    agent_id: int
    agent2_id: int
    person_id: int
    attempt_id: int  # agent1's live call
    agent2_attempt_id: int


def _person(db: Session, fund: Fund, cipher: DataCipher) -> Person:
    person = Person(
        audience="insured",
        identity_key="desk-person",
        fund_id=fund.id or 0,
        nir_cipher=cipher.encrypt(NIR, "nir"),
        birth_date=date(1969, 5, 12),
        last_name="Quintal",
        first_name="Josiane",
        professional_number=PRO_NUMBER,
        address_line="12 rue des Lilas",
        postal_code="75011",
        city="Paris",
        phone_e164="+33612345678",
        email="josiane.quintal@example.org",
        territory=Territory.METRO.value,
        time_zone="Europe/Paris",
    )
    db.add(person)
    db.flush()
    return person


def _contact(db: Session, campaign_id: int, person: Person, data: dict[str, object]) -> int:
    contact = CampaignContact(campaign_id=campaign_id, person_id=person.id or 0, theme_data=data)
    db.add(contact)
    db.flush()
    return contact.id or 0


def _attempt(
    db: Session, campaign_id: int, contact_id: int, person: Person, agent: int, **extra: Any
) -> CallAttempt:
    attempt = CallAttempt(
        campaign_id=campaign_id, contact_id=contact_id, person_id=person.id or 0,
        worker_id="worker-test", number_e164=person.phone_e164 or "", agent_user_id=agent,
        **extra,
    )  # fmt: skip
    db.add(attempt)
    db.flush()
    return attempt


def _bridge(db: Session, user_id: int, campaign_id: int, attempt: CallAttempt) -> None:
    now = utcnow()
    presence.log_in(db, user_id, campaign_id, now)
    presence.make_available(db, user_id, now)
    presence.connect_agent(db, user_id, attempt.id or 0, now)


@pytest.fixture()
def desk(app: FastAPI, world: World, password_hash: str) -> Desk:
    cipher: DataCipher = app.state.runtime.cipher
    with Session(app.state.runtime.engine, expire_on_commit=False) as db:
        fund = db.get(Fund, world.fund_id)
        assert fund is not None
        agent1 = db.exec(select(User).where(User.username == "agent1")).one()
        agent2 = User(
            username="agent2",
            full_name="Agent Deux",
            role="agent",
            phone_endpoint="902",
            password_hash=password_hash,
        )
        db.add(agent2)
        ameli = create_campaign(
            db, "AMELI-1", "Compte ameli 2026", "ameli_account", fund, "0140000000"
        )
        child = create_campaign(db, "MTD-1", "M'T dents 2026", "child_dental", fund, "0140000000")
        db.flush()
        for campaign_id, user in (
            (ameli.id, agent1),
            (world.campaign_id, agent1),
            (ameli.id, agent2),
        ):
            db.add(
                CampaignAgent(campaign_id=campaign_id or 0, user_id=user.id or 0, enabled_by="t")
            )
        person = _person(db, fund, cipher)
        sealed = seal_theme_data(
            {"provisional_code": CODE, "provisional_code_expiry": "2027-01-31"},
            {"provisional_code"},
            cipher,
        )
        ameli_contact = _contact(db, ameli.id or 0, person, sealed)
        _contact(db, child.id or 0, person, {"child_first_name": CHILD})
        flu_contact = _contact(db, world.campaign_id, person, {"flu_vaccinated": False})
        earlier = utcnow() - timedelta(days=3)
        done = _attempt(db, ameli.id or 0, ameli_contact, person, agent1.id or 0,
                        result="answered", created_at=earlier)  # fmt: skip
        db.add(Outcome(attempt_id=done.id, contact_id=ameli_contact, campaign_id=ameli.id or 0,
                       person_id=person.id or 0, interview="accepted",
                       callback_at=utcnow() + timedelta(days=1), created_at=earlier))  # fmt: skip
        other = _attempt(db, world.campaign_id, flu_contact, person, agent1.id or 0,
                         result="answered", created_at=earlier)  # fmt: skip
        db.add(Outcome(attempt_id=other.id, contact_id=flu_contact, campaign_id=world.campaign_id,
                       person_id=person.id or 0, interview="accepted", offer="refused",
                       followup_category=OTHER_CAMPAIGN_CATEGORY, created_at=earlier))  # fmt: skip
        live = _attempt(db, ameli.id or 0, ameli_contact, person, agent1.id or 0,
                        state="connected", channel_id="Local/0612345678@sim-persons-1;1",
                        answered_at=utcnow(), connected_at=utcnow())  # fmt: skip
        _bridge(db, agent1.id or 0, ameli.id or 0, live)
        live2 = _attempt(db, ameli.id or 0, ameli_contact, person, agent2.id or 0,
                         state="connected", connected_at=utcnow())  # fmt: skip
        _bridge(db, agent2.id or 0, ameli.id or 0, live2)
        db.commit()
        return Desk(
            ameli_id=ameli.id or 0, flu_id=world.campaign_id, agent_id=agent1.id or 0,
            agent2_id=agent2.id or 0, person_id=person.id or 0, attempt_id=live.id or 0,
            agent2_attempt_id=live2.id or 0,
        )  # fmt: skip
