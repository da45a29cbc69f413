"""The soak's world: a fund, one campaign callable all day, its agents and people.

Rows are written with set-based inserts: 50,000 people must not take longer to
seed than the day takes to dial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from dialer.accounts.models import User
from dialer.campaigns.models import CampaignAgent
from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope
from dialer.engine.calling import presence

# People per agent for an 8-hour day: about 150 answered calls per agent, with
# retries of the busy and the unanswered.
PEOPLE_PER_AGENT = 250
BATCH = 5000
# The soak is about load, not calling hours: every hour of every day is allowed.
ALL_DAY = CallingPolicy(
    windows=[TimeWindow(start=time(0, 0), end=time(23, 59, 59, 999999))],
    weekdays=[0, 1, 2, 3, 4, 5, 6],
    skip_public_holidays=False,
)


@dataclass(frozen=True)
class World:
    campaign_id: int
    fund_id: int
    agents: list[int]
    contacts: int


def seed_world(engine: Engine, agents: int, now: datetime) -> World:
    with session_scope(engine) as session:
        fund = create_fund(session, "CPAM-SOAK", "CPAM de la soak", Territory.METRO)
        campaign = create_campaign(
            session, "SOAK", "Journée d'endurance", "flu_vaccination", fund,
            "01 40 00 00 00", ALL_DAY,
        )  # fmt: skip
        campaign.status, campaign.pacing_mode, campaign.wrap_up_seconds = (
            "active",
            "progressive",
            30,
        )
        session.add(campaign)
        session.flush()
        campaign_id, fund_id = campaign.id or 0, fund.id or 0
    agent_ids = _agents(engine, campaign_id, agents, now)
    contacts = _people(engine, campaign_id, fund_id, agents * PEOPLE_PER_AGENT)
    return World(campaign_id, fund_id, agent_ids, contacts)


def _agents(engine: Engine, campaign_id: int, count: int, now: datetime) -> list[int]:
    ids = []
    with session_scope(engine) as session:
        for n in range(count):
            user = User(
                username=f"soak{n}", full_name="Agent", role="agent", password_hash="-",
                phone_endpoint=str(800 + n % 200),
            )  # fmt: skip
            session.add(user)
            session.flush()
            user_id = user.id or 0
            session.add(CampaignAgent(campaign_id=campaign_id, user_id=user_id, enabled_by="soak"))
            session.flush()
            presence.log_in(session, user_id, campaign_id, now)
            presence.make_available(session, user_id, now)
            ids.append(user_id)
    return ids


def _people(engine: Engine, campaign_id: int, fund_id: int, count: int) -> int:
    people = Person.__table__  # type: ignore[attr-defined]
    contacts = CampaignContact.__table__  # type: ignore[attr-defined]
    for first in range(0, count, BATCH):
        rows = [
            {
                "audience": "insured",
                "identity_key": f"soak-{n}",
                "fund_id": fund_id,
                "last_name": "Soak",
                "first_name": "Personne",
                "phone_e164": f"+3361{n:07d}",
                "territory": Territory.METRO.value,
                "time_zone": "Europe/Paris",
                "limited": False,
            }  # fmt: skip
            for n in range(first, min(count, first + BATCH))
        ]
        with engine.begin() as conn:
            ids = conn.execute(insert(people).returning(people.c.id), rows).scalars().all()
            conn.execute(
                insert(contacts),
                [
                    {
                        "campaign_id": campaign_id,
                        "person_id": pid,
                        "status": "pending",
                        "theme_data": {},
                        "retry_counts": {},
                        "attempts": 0,
                    }  # fmt: skip
                    for pid in ids
                ],
            )
    return count
