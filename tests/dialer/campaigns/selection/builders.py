"""Small builders of campaign data for the selection tests (real rows, no mocks)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory, info
from dialer.core.db import session_scope

# Tuesday 10 March 2026, no holiday anywhere: 11:30 in Paris, 14:30 in La Réunion.
NOW = datetime(2026, 3, 10, 10, 30)
# The same day, 19:30 in Paris (still open) and 22:30 in La Réunion (closed).
REUNION_NIGHT = datetime(2026, 3, 10, 18, 30)

PHONES = {Territory.METRO: "+3361234", Territory.REUNION: "+26269212"}
_serial = itertools.count(1)


@dataclass
class World:
    engine: Engine
    campaign_id: int
    fund_id: int


def make_world(engine: Engine, code: str = "C1", theme: str = "child_dental") -> World:
    with session_scope(engine) as session:
        fund = create_fund(session, f"F{code}", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(session, code, "Campagne", theme, fund, "+33142000000")
        return World(engine, campaign.id or 0, fund.id or 0)


def other_campaign(world: World, code: str) -> int:
    with session_scope(world.engine) as session:
        fund = session.get_one(Fund, world.fund_id)
        campaign = create_campaign(session, code, "Autre", "flu_vaccination", fund, "+33142000000")
        return campaign.id or 0


def add_contact(
    world: World,
    territory: Territory = Territory.METRO,
    *,
    campaign_id: int | None = None,
    person_id: int | None = None,
    limited: bool = False,
    theme_data: dict[str, Any] | None = None,
    **contact: Any,
) -> tuple[int, int]:
    """A person (or an existing one) placed in a campaign; returns (contact id, person id)."""
    n = next(_serial)
    with session_scope(world.engine) as session:
        if person_id is None:
            person = Person(
                audience="insured",
                identity_key=f"k{n}-{world.campaign_id}",
                fund_id=world.fund_id,
                phone_e164=f"{PHONES[territory]}{n:04d}",
                territory=territory.value,
                time_zone=info(territory).time_zone,
                limited=limited,
            )
            session.add(person)
            session.flush()
            person_id = person.id or 0
        row = CampaignContact(
            campaign_id=campaign_id or world.campaign_id,
            person_id=person_id,
            row_ref=f"R{n}",
            theme_data=theme_data or {},
            **contact,
        )
        session.add(row)
        session.flush()
        return row.id or 0, person_id


def add_reached_call(
    session: Session,
    campaign_id: int,
    contact_id: int,
    person_id: int,
    at: datetime,
    *,
    result: str = "answered",
    answered: bool = True,
    connected: bool = False,
) -> None:
    session.add(
        CallAttempt(
            campaign_id=campaign_id,
            contact_id=contact_id,
            person_id=person_id,
            worker_id="w0",
            number_e164="+33612340000",
            state="ended",
            result=result,
            created_at=at,
            answered_at=at if answered else None,
            connected_at=at if connected else None,
        )
    )


def add_refusal(
    session: Session, campaign_id: int, contact_id: int, person_id: int, at: datetime
) -> None:
    session.add(
        Outcome(
            contact_id=contact_id,
            campaign_id=campaign_id,
            person_id=person_id,
            interview="refused",
            created_at=at,
        )
    )
