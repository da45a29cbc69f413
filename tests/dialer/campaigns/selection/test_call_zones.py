"""Selection, claim and explain honour the address's and the number's local time."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from dialer.campaigns.selection import claim_contacts, select_candidates
from dialer.campaigns.selection.facts import number_territory_sql
from dialer.contacts.people.models import Person
from dialer.contacts.territories import Territory, territory_by_prefix, territory_of_number
from dialer.core.db import session_scope
from dialer.engine.explain import explain_one
from tests.dialer.campaigns.selection.builders import add_contact, make_world

# Tuesday 10 March 2026, 09:00 UTC: 10:00 in Paris, 05:00 in Martinique and Guadeloupe.
PARIS_MORNING = datetime(2026, 3, 10, 9, 0)
# 15:00 UTC: 16:00 in Paris, 11:00 in the Antilles.
BOTH_OPEN = datetime(2026, 3, 10, 15, 0)


def _with(engine: Engine, person_id: int, **values: str | None) -> None:
    with session_scope(engine) as session:
        person = session.get_one(Person, person_id)
        for name, value in values.items():
            setattr(person, name, value)
        session.add(person)


def _select(engine: Engine, campaign_id: int, now: datetime) -> list[int]:
    with engine.connect() as conn:
        return select_candidates(conn, campaign_id, 10, now)


def test_a_paris_address_with_a_martinique_mobile_waits_for_both(engine: Engine) -> None:
    world = make_world(engine)
    paris, _ = add_contact(world)
    antilles, person_id = add_contact(world)
    _with(engine, person_id, postal_code="75011", phone_e164="+596696123456")
    assert _select(engine, world.campaign_id, PARIS_MORNING) == [paris]
    assert [
        c.contact_id for c in claim_contacts(engine, world.campaign_id, "w", 5, PARIS_MORNING)
    ] == [paris]
    assert _select(engine, world.campaign_id, BOTH_OPEN) == [antilles]
    [claim] = claim_contacts(engine, world.campaign_id, "w", 5, BOTH_OPEN)
    assert claim.contact_id == antilles and claim.number_e164 == "+596696123456"


def test_a_second_phone_counts_when_it_is_the_one_dialled(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    _with(engine, person_id, postal_code="75011", phone_e164=None, phone2_e164="+590690123456")
    assert _select(engine, world.campaign_id, PARIS_MORNING) == []
    assert _select(engine, world.campaign_id, BOTH_OPEN) == [contact_id]


def test_a_metro_fund_person_without_address_follows_the_number(engine: Engine) -> None:
    # Stored before the number was taken into account: timed as the fund's Paris.
    world = make_world(engine)
    contact_id, person_id = add_contact(world, Territory.METRO)
    _with(engine, person_id, phone_e164="+590690123456")
    assert _select(engine, world.campaign_id, PARIS_MORNING) == []
    assert claim_contacts(engine, world.campaign_id, "w", 5, PARIS_MORNING) == []
    assert _select(engine, world.campaign_id, BOTH_OPEN) == [contact_id]


def test_explain_names_the_two_time_zones(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    _with(engine, person_id, postal_code="75011", phone_e164="+596696123456")
    explanation = explain_one(engine, contact_id, PARIS_MORNING)
    assert not explanation.callable_now
    assert "Europe/Paris" in explanation.text_fr and "America/Martinique" in explanation.text_fr
    assert explanation.next_callable_at == datetime(2026, 3, 10, 14, 0)


def _sample_numbers() -> list[str]:
    kinds = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.VOIP)
    found = []
    for region in ("FR", "GP", "BL", "MF", "MQ", "GF", "RE", "YT"):
        for kind in kinds:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.append(phonenumbers.format_number(example, PhoneNumberFormat.E164))
    # Mayotte's ranges inside +262, beside La Réunion's neighbours.
    found += ["+262269601234", "+262268912345", "+262268812345", "+262639012345"]
    return found + ["+262709351234", "+262939801234", "+262939901234", "+262976912345"]


def test_the_sql_says_the_same_territory_as_phonenumbers(engine: Engine) -> None:
    world = make_world(engine)
    numbers = _sample_numbers()
    people = []
    for number in numbers:
        _, person_id = add_contact(world)
        _with(engine, person_id, phone_e164=number)
        people.append(person_id)
    query = select(col(Person.id), number_territory_sql()).where(col(Person.id).in_(people))
    with engine.connect() as conn:
        by_sql = {row[0]: row[1] for row in conn.execute(query)}
    for person_id, number in zip(people, numbers, strict=True):
        expected = territory_of_number(number)
        assert expected is not None, number
        assert territory_by_prefix(number) is expected, number
        assert by_sql[person_id] == expected.value, number
