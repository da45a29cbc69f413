"""Claiming contacts: leases, attempt rows, concurrency and expired leases."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Wave, WaveMember
from dialer.campaigns.selection import Claim, claim_contacts, release_expired_leases, renew_lease
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.db import make_engine, session_scope
from tests.dialer.campaigns.selection.builders import NOW, add_contact, make_world


def test_claim_leases_contacts_and_opens_their_attempts(engine: Engine) -> None:
    world = make_world(engine)
    first, person = add_contact(world, Territory.REUNION, attempts=1)
    second, _ = add_contact(world)
    claims = claim_contacts(engine, world.campaign_id, "worker-1", 5, NOW, lease_seconds=90)
    assert [c.contact_id for c in claims] == [first, second]
    assert claims[0].person_id == person
    assert claims[0].territory == "reunion" and claims[0].time_zone == "Indian/Reunion"
    assert claims[0].number_e164.startswith("+262")
    with Session(engine) as session:
        contact = session.get_one(CampaignContact, first)
        assert contact.status == "in_progress"
        assert contact.lease_owner == "worker-1"
        assert contact.lease_expires_at == NOW + timedelta(seconds=90)
        assert contact.attempts == 2 and contact.last_attempt_at == NOW
        attempt = session.get_one(CallAttempt, claims[0].attempt_id)
        assert (attempt.contact_id, attempt.person_id, attempt.state) == (first, person, "dialing")
        assert attempt.worker_id == "worker-1"
        assert attempt.number_e164 == claims[0].number_e164
    assert claim_contacts(engine, world.campaign_id, "worker-2", 5, NOW) == []


def test_claim_uses_the_second_number_when_the_first_is_missing(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    with Session(engine) as session:
        person = session.get_one(Person, person_id)
        person.phone2_e164, person.phone_e164 = person.phone_e164, None
        session.add(person)
        session.commit()
    (claim,) = claim_contacts(engine, world.campaign_id, "w", 1, NOW)
    assert claim.contact_id == contact_id and claim.number_e164.startswith("+33")


def test_claim_counts_and_wave_filter(engine: Engine) -> None:
    world = make_world(engine)
    ids = [add_contact(world)[0] for _ in range(5)]
    with session_scope(engine) as session:
        wave = Wave(campaign_id=world.campaign_id, name="V1", starts_at=NOW, ends_at=NOW)
        session.add(wave)
        session.flush()
        wave_id = wave.id or 0
        session.add_all([WaveMember(wave_id=wave_id, contact_id=i) for i in ids[3:]])
    claims = claim_contacts(engine, world.campaign_id, "w", 10, NOW, wave_id=wave_id)
    assert [c.contact_id for c in claims] == ids[3:]
    assert all(c.wave_id == wave_id for c in claims)
    rest = claim_contacts(engine, world.campaign_id, "w", 2, NOW)
    assert [c.contact_id for c in rest] == ids[:2]


def _claim_all(engine: Engine, campaign_id: int, worker: str, out: list[Claim]) -> None:
    while batch := claim_contacts(engine, campaign_id, worker, 3, NOW):
        out.extend(batch)


def test_concurrent_workers_never_share_a_contact(database_url: str, engine: Engine) -> None:
    world = make_world(engine)
    ids = {add_contact(world)[0] for _ in range(60)}
    # Two engines stand for two dialler processes on the same database.
    engines = [make_engine(database_url), make_engine(database_url)]
    results: list[list[Claim]] = [[], []]
    threads = [
        threading.Thread(
            target=_claim_all, args=(engines[n], world.campaign_id, f"w{n}", results[n])
        )
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for created in engines:
        created.dispose()
    claimed = [c.contact_id for batch in results for c in batch]
    assert sorted(claimed) == sorted(ids)
    with Session(engine) as session:
        attempts = session.exec(select(CallAttempt)).all()
        assert sorted(a.contact_id for a in attempts) == sorted(ids)
        owners = {c.id: c.lease_owner for c in session.exec(select(CampaignContact))}
    for n, batch in enumerate(results):
        assert all(owners[c.contact_id] == f"w{n}" for c in batch)


def test_expired_leases_are_released_and_claimable_again(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, _ = add_contact(world)
    (claim,) = claim_contacts(engine, world.campaign_id, "w1", 1, NOW, lease_seconds=60)
    later = NOW + timedelta(seconds=59)
    assert release_expired_leases(engine, later) == 0
    assert renew_lease(engine, contact_id, "w1", later, 60)
    assert not renew_lease(engine, contact_id, "w2", later, 60)
    assert release_expired_leases(engine, later + timedelta(seconds=59)) == 0
    expired = later + timedelta(seconds=60)
    assert release_expired_leases(engine, expired) == 1
    with Session(engine) as session:
        contact = session.get_one(CampaignContact, contact_id)
        assert (contact.status, contact.lease_owner, contact.attempts) == ("pending", None, 1)
        assert session.get_one(CallAttempt, claim.attempt_id).state == "dialing"
    assert not renew_lease(engine, contact_id, "w1", expired, 60)
    (again,) = claim_contacts(engine, world.campaign_id, "w2", 1, expired)
    assert again.contact_id == contact_id and again.attempt_id != claim.attempt_id
