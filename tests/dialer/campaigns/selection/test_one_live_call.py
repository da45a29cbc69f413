"""One live call per person and per number, whatever the campaigns, funds and workers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility import BlockCode
from dialer.campaigns.selection import Claim, claim_contacts, release_expired_leases
from dialer.campaigns.selection.locks import hold_for_agent, release_locks, renew_locks
from dialer.campaigns.selection.models import LiveCallLock
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.db import make_engine, session_scope
from dialer.engine.calling.recorder import CallRecorder
from dialer.engine.explain import explain_one
from telephony.results import CallResult
from tests.dialer.campaigns.selection.builders import (
    NOW,
    World,
    add_contact,
    make_world,
    other_campaign,
)


def _shared_people(world: World, second_campaign: int, count: int) -> list[int]:
    """People placed in both campaigns; returns their person ids."""
    people = []
    for _ in range(count):
        _, person_id = add_contact(world)
        add_contact(world, campaign_id=second_campaign, person_id=person_id)
        people.append(person_id)
    return people


def _set_person(engine: Engine, person_id: int, **values: object) -> None:
    with session_scope(engine) as session:
        person = session.get_one(Person, person_id)
        for name, value in values.items():
            setattr(person, name, value)
        session.add(person)


def _end_attempt(engine: Engine, attempt_id: int, at: datetime) -> None:
    """What the recorder leaves once the PBX says the call is over (no answer)."""
    recorder = CallRecorder(engine, lambda: at)
    recorder.close_unsent(attempt_id, CallResult.NO_ANSWER)


def test_a_person_claimed_in_one_campaign_is_not_claimed_in_another(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    people = _shared_people(world, ameli, 9)
    flu = claim_contacts(engine, world.campaign_id, "w1", 20, NOW)
    assert sorted(c.person_id for c in flu) == sorted(people)
    later = NOW + timedelta(seconds=5)
    assert claim_contacts(engine, ameli, "w2", 20, later) == []
    # Once a call ends, the person may be called by the other campaign.
    _end_attempt(engine, flu[0].attempt_id, later)
    [claim] = claim_contacts(engine, ameli, "w2", 20, later)
    assert claim.person_id == flu[0].person_id


def test_two_identities_of_one_person_in_two_funds_get_one_call(engine: Engine) -> None:
    paris = make_world(engine, "GRIPPE-75")
    lyon = make_world(engine, "GRIPPE-69")
    _, first = add_contact(paris)
    _, second = add_contact(lyon)
    _set_person(engine, first, nir_lookup="same-nir-hash")
    _set_person(engine, second, nir_lookup="same-nir-hash")
    [claim] = claim_contacts(engine, paris.campaign_id, "w1", 5, NOW)
    assert claim.person_id == first
    assert claim_contacts(engine, lyon.campaign_id, "w2", 5, NOW) == []


def test_one_number_is_never_dialled_twice_at_once(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    _, mother = add_contact(world)
    _, son = add_contact(world)
    _, father = add_contact(world, campaign_id=ameli)
    for person in (mother, son, father):
        _set_person(engine, person, phone_e164="+33612345678")
    # Within one campaign: one of the two people sharing the line.
    claims = claim_contacts(engine, world.campaign_id, "w1", 5, NOW)
    assert [c.number_e164 for c in claims] == ["+33612345678"]
    # And across campaigns.
    assert claim_contacts(engine, ameli, "w2", 5, NOW) == []


def test_a_dead_workers_lock_does_not_block_the_person_forever(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    [person] = _shared_people(world, ameli, 1)
    claim_contacts(engine, world.campaign_id, "dead", 1, NOW, lease_seconds=60)
    assert claim_contacts(engine, ameli, "w2", 1, NOW + timedelta(seconds=59)) == []
    expired = NOW + timedelta(seconds=61)
    release_expired_leases(engine, expired)
    [claim] = claim_contacts(engine, ameli, "w2", 1, expired)
    assert claim.person_id == person


def test_a_person_talking_to_an_agent_stays_locked_after_the_worker_died(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    [person] = _shared_people(world, ameli, 1)
    [flu] = claim_contacts(engine, world.campaign_id, "dead", 1, NOW, lease_seconds=60)
    with session_scope(engine) as session:
        hold_for_agent(session, flu.attempt_id)  # bridged; then its worker was killed
    # The PBX still carries the call, however long the talk: nobody else calls them.
    much_later = NOW + timedelta(hours=1)
    release_expired_leases(engine, much_later)
    assert claim_contacts(engine, ameli, "w2", 1, much_later) == []
    _end_attempt(engine, flu.attempt_id, much_later)  # the end is known (the takeover)
    with session_scope(engine) as session:
        release_locks(session, [flu.attempt_id])  # and the agent wrote the outcome
    [claim] = claim_contacts(engine, ameli, "w2", 1, much_later)
    assert claim.person_id == person


def test_a_stale_lock_is_taken_over_even_before_the_sweep(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    [person] = _shared_people(world, ameli, 1)
    claim_contacts(engine, world.campaign_id, "dead", 1, NOW, lease_seconds=60)
    [claim] = claim_contacts(engine, ameli, "w2", 1, NOW + timedelta(seconds=61))
    assert claim.person_id == person


def _claim_all(engine: Engine, campaign_id: int, worker: str, out: list[Claim]) -> None:
    while batch := claim_contacts(engine, campaign_id, worker, 3, NOW):
        out.extend(batch)


def test_concurrent_claims_in_two_campaigns_never_share_a_person(
    database_url: str, engine: Engine
) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    people = _shared_people(world, ameli, 40)
    # Two engines stand for two dialler processes, each working its own campaign.
    engines = [make_engine(database_url), make_engine(database_url)]
    results: list[list[Claim]] = [[], []]
    campaigns = [world.campaign_id, ameli]
    threads = [
        threading.Thread(target=_claim_all, args=(engines[n], campaigns[n], f"w{n}", results[n]))
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for created in engines:
        created.dispose()
    claimed = [c.person_id for batch in results for c in batch]
    assert sorted(claimed) == sorted(people)  # each person once, in one campaign or the other
    with Session(engine) as session:
        attempts = session.query(CallAttempt).all()
        assert sorted(a.person_id for a in attempts) == sorted(people)
        in_progress = session.query(CampaignContact).filter_by(status="in_progress").count()
    assert in_progress == len(people)


def test_a_running_worker_keeps_its_talks_locked_past_the_lease(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    _shared_people(world, ameli, 2)
    talking, ended = claim_contacts(engine, world.campaign_id, "w1", 2, NOW, lease_seconds=60)
    _end_attempt(engine, ended.attempt_id, NOW + timedelta(seconds=30))
    renew_locks(engine, "w1", NOW + timedelta(seconds=110))
    later = NOW + timedelta(seconds=100)
    release_expired_leases(engine, later)
    [claim] = claim_contacts(engine, ameli, "w2", 5, later)
    assert claim.person_id == ended.person_id
    with Session(engine) as session:
        held = session.query(LiveCallLock).filter_by(attempt_id=talking.attempt_id).all()
    assert {lock.key for lock in held} == {f"p:{talking.person_id}", f"t:{talking.number_e164}"}


def test_a_lapsed_lease_does_not_redial_a_call_still_going(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    contact, _ = add_contact(world)
    claim_contacts(engine, world.campaign_id, "w1", 1, NOW, lease_seconds=60)
    renew_locks(engine, "w1", NOW + timedelta(seconds=200))  # its worker is still running
    later = NOW + timedelta(seconds=100)
    assert release_expired_leases(engine, later) == 1
    assert claim_contacts(engine, world.campaign_id, "w2", 1, later) == []
    explanation = explain_one(engine, contact, later)
    assert explanation.block is not None and explanation.block.code == BlockCode.LIVE_CALL
    assert "Appel en cours vers cette personne ou ce numéro (GRIPPE-75)." in explanation.text_fr
