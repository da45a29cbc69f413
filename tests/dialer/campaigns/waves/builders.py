"""People spread over territories and funds, for the cohort tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.models import WaveMember
from dialer.campaigns.setup import create_fund
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory, info
from dialer.core.db import session_scope


@dataclass(frozen=True)
class Someone:
    territory: Territory = Territory.METRO
    postal_code: str = "75011"
    fund: str = "F-C1"
    theme: dict[str, Any] | None = None
    number: str = "+33612340000"


def ensure_fund(session: Session, code: str, territory: Territory) -> int:
    fund = session.exec(select(Fund).where(Fund.code == code)).first()
    if fund is None:
        fund = create_fund(session, code, f"Caisse {code}", territory)
    return fund.id or 0


def add_someone(engine: Engine, campaign_id: int, people: list[Someone]) -> list[int]:
    ids = []
    with session_scope(engine) as session:
        for n, who in enumerate(people):
            person = Person(
                audience="insured",
                identity_key=f"w{campaign_id}-{n}-{who.number}-{who.postal_code}",
                fund_id=ensure_fund(session, who.fund, who.territory),
                last_name="Payet",
                first_name="Inès",
                phone_e164=who.number,
                postal_code=who.postal_code,
                territory=who.territory.value,
                time_zone=info(who.territory).time_zone,
            )
            session.add(person)
            session.flush()
            contact = CampaignContact(
                campaign_id=campaign_id, person_id=person.id or 0, theme_data=who.theme or {}
            )
            session.add(contact)
            session.flush()
            ids.append(contact.id or 0)
    return ids


def members(engine: Engine, wave_id: int) -> list[int]:
    with Session(engine) as session:
        rows = session.exec(select(WaveMember.contact_id).where(WaveMember.wave_id == wave_id))
        return sorted(rows.all())
