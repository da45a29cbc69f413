"""Funds, campaigns, people and outcomes for the feed tests (real rows, no fakes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.attempts import Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.crypto import DataCipher

NIR_BODY = "1850775123456"
NIR = NIR_BODY + f"{97 - int(NIR_BODY) % 97:02d}"


@dataclass
class World:
    fund_a: int
    fund_b: int
    campaign_a: int
    campaign_b: int
    person_a: int
    person_b: int
    code_a: str = "CPAM75"
    code_b: str = "CGSS971"


def make_person(session: Session, cipher: DataCipher, fund: Fund, key: str) -> Person:
    person = Person(
        audience="insured",
        identity_key=f"id-{key}",
        fund_id=fund.id or 0,
        nir_cipher=cipher.encrypt(NIR, "nir"),
        nir_lookup=cipher.lookup(NIR, "nir"),
        last_name="Martin",
        first_name="Claire",
        phone_e164="+33612345678",
        territory=fund.territory,
        time_zone=fund.time_zone,
    )
    session.add(person)
    session.flush()
    return person


def enrol(session: Session, campaign: Campaign, person: Person, row_ref: str) -> CampaignContact:
    contact = CampaignContact(
        campaign_id=campaign.id or 0, person_id=person.id or 0, row_ref=row_ref
    )
    session.add(contact)
    session.flush()
    return contact


def build_world(engine: Engine, cipher: DataCipher) -> World:
    with Session(engine, expire_on_commit=False) as session:
        fund_a = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        fund_b = create_fund(session, "CGSS971", "CGSS de Guadeloupe", Territory.GUADELOUPE)
        camp_a = create_campaign(
            session, "GRIPPE-75", "Grippe Paris", "flu_vaccination", fund_a, "+33140000000"
        )
        camp_b = create_campaign(
            session, "GRIPPE-971", "Grippe 971", "flu_vaccination", fund_b, "+590590000000"
        )
        person_a = make_person(session, cipher, fund_a, "a")
        person_b = make_person(session, cipher, fund_b, "b")
        enrol(session, camp_a, person_a, "L-0001")
        enrol(session, camp_b, person_b, "G-0001")
        session.commit()
        return World(
            fund_a.id or 0,
            fund_b.id or 0,
            camp_a.id or 0,
            camp_b.id or 0,
            person_a.id or 0,
            person_b.id or 0,
        )


def add_outcome(session: Session, world: World, **fields: object) -> Outcome:
    outcome = Outcome(
        contact_id=_contact_id(session, world.campaign_a, world.person_a),
        campaign_id=world.campaign_a,
        person_id=world.person_a,
        **fields,  # type: ignore[arg-type]
    )
    session.add(outcome)
    session.flush()
    return outcome


def _contact_id(session: Session, campaign_id: int, person_id: int) -> int:
    contact = session.exec(
        select(CampaignContact).where(
            CampaignContact.campaign_id == campaign_id, CampaignContact.person_id == person_id
        )
    ).one()
    return contact.id or 0


def bulk_events(
    engine: Engine, cipher: DataCipher, fund_id: int, count: int, campaign_id: int | None = None
) -> None:
    """``count`` contact-change events numbered 1..count, inserted in one go."""
    from dialer.compliance.feed.models import FeedEvent
    from dialer.compliance.feed.outbox import allocate_seqs

    sealed = cipher.encrypt(NIR, "nir")
    with Session(engine) as session:
        first = allocate_seqs(session, fund_id, count)
        rows = [
            {
                "fund_id": fund_id,
                "seq": first + index,
                "event_id": str(uuid.uuid4()),
                "kind": "contact_change",
                "campaign_id": campaign_id,
                "payload": {
                    "campaign": "GRIPPE-75",
                    "row_ref": f"L-{first + index:07d}",
                    "occurred_at": "2026-11-25T10:00:00Z",
                    "nir_sealed": sealed,
                    "field": "phone",
                    "value": "+33612345678",
                },
            }
            for index in range(count)
        ]
        session.execute(FeedEvent.__table__.insert(), rows)  # type: ignore[attr-defined]
        session.commit()
