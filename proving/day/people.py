"""Who the day's campaigns share, and who lives in one territory but answers in another."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import territory_of_number
from dialer.core.columns import require_id


@dataclass(frozen=True)
class PeopleFigures:
    people: int  # distinct insured people across the day's campaigns
    in_two_campaigns: int  # in at least two of them (one Person row, or one NIR)
    two_territories: int  # address in one territory, number called in another
    phone_only: int  # known only by a phone: no postal code


def people_figures(engine: Engine, campaign_ids: list[int]) -> PeopleFigures:
    with Session(engine) as session:
        rows = session.exec(
            select(CampaignContact.campaign_id, Person)
            .join(Person, col(Person.id) == col(CampaignContact.person_id))
            .where(col(CampaignContact.campaign_id).in_(campaign_ids))
        ).all()
    # One insured person may be several Person rows sharing a NIR (two funds' files).
    campaigns: dict[str, set[int]] = defaultdict(set)
    persons: dict[int, Person] = {}
    for campaign_id, person in rows:
        campaigns[person.nir_lookup or f"personne {person.id}"].add(campaign_id)
        persons[require_id(person)] = person
    return PeopleFigures(
        people=len(campaigns),
        in_two_campaigns=sum(1 for found in campaigns.values() if len(found) > 1),
        two_territories=sum(1 for p in persons.values() if _two_territories(p)),
        phone_only=sum(1 for p in persons.values() if not p.postal_code),
    )


def _two_territories(person: Person) -> bool:
    number = territory_of_number(person.phone_e164)
    return number is not None and number.value != person.territory
