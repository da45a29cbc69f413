"""The 4-reached-in-30-days and refusal rules count every campaign, every identity, live calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility import BlockCode, check_contact
from dialer.campaigns.selection import claim_contacts, load_facts
from dialer.campaigns.selection.candidates import campaign_policy
from dialer.contacts.people.models import Person
from dialer.core.db import session_scope
from dialer.engine.explain import explain_campaign, explain_one
from tests.dialer.campaigns.selection.builders import (
    NOW,
    add_contact,
    add_reached_call,
    add_refusal,
    make_world,
    other_campaign,
)


def _same_nir(engine: Engine, *people: int) -> None:
    with session_scope(engine) as session:
        for person_id in people:
            person = session.get_one(Person, person_id)
            person.nir_lookup = "same-nir-hash"
            session.add(person)


def _block(engine: Engine, contact_id: int, campaign_id: int) -> str | None:
    with engine.connect() as conn:
        facts = load_facts(conn, [contact_id], NOW)[contact_id]
        block = check_contact(facts, campaign_policy(conn, campaign_id), NOW)
    return None if block is None else block.code


def test_reached_calls_of_the_persons_other_identity_count(engine: Engine) -> None:
    paris = make_world(engine, "GRIPPE-75")
    lyon = make_world(engine, "GRIPPE-69")
    old_contact, old_identity = add_contact(paris)
    contact, person = add_contact(lyon)
    _same_nir(engine, old_identity, person)
    with session_scope(engine) as session:
        for days in (1, 5, 12, 20):
            at = NOW - timedelta(days=days)
            add_reached_call(session, paris.campaign_id, old_contact, old_identity, at)
    assert _block(engine, contact, lyon.campaign_id) == BlockCode.REACHED_LIMIT
    assert claim_contacts(engine, lyon.campaign_id, "w", 5, NOW) == []


def test_a_refusal_under_the_other_identity_starts_the_cooldown(engine: Engine) -> None:
    paris = make_world(engine, "GRIPPE-75")
    lyon = make_world(engine, "GRIPPE-69")
    old_contact, old_identity = add_contact(paris)
    contact, person = add_contact(lyon)
    _same_nir(engine, old_identity, person)
    with session_scope(engine) as session:
        add_refusal(session, paris.campaign_id, old_contact, old_identity, NOW - timedelta(days=3))
    assert _block(engine, contact, lyon.campaign_id) == BlockCode.REFUSAL_COOLDOWN
    assert claim_contacts(engine, lyon.campaign_id, "w", 5, NOW) == []


def test_a_call_still_in_progress_counts_towards_the_reached_limit(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    contact, person = add_contact(world)
    other, _ = add_contact(world, campaign_id=ameli, person_id=person)
    with session_scope(engine) as session:
        for days in (2, 9, 15):
            add_reached_call(session, ameli, other, person, NOW - timedelta(days=days))
        # Answered a minute ago and still going: its result is not known yet.
        session.add(
            CallAttempt(
                campaign_id=ameli, contact_id=other, person_id=person, worker_id="gone",
                number_e164="+33612340000", state="answered", created_at=NOW - timedelta(minutes=1),
                answered_at=NOW - timedelta(minutes=1),
            )
        )  # fmt: skip
    assert _block(engine, contact, world.campaign_id) == BlockCode.REACHED_LIMIT


def test_explain_names_the_campaign_holding_the_live_call(engine: Engine) -> None:
    world = make_world(engine, "GRIPPE-75")
    ameli = other_campaign(world, "AMELI-75")
    _, person = add_contact(world)
    waiting, _ = add_contact(world, campaign_id=ameli, person_id=person)
    free, _ = add_contact(world, campaign_id=ameli)
    assert len(claim_contacts(engine, world.campaign_id, "w1", 5, NOW)) == 1
    explanation = explain_one(engine, waiting, NOW)
    assert not explanation.callable_now
    assert explanation.block is not None and explanation.block.code == BlockCode.LIVE_CALL
    assert "Appel en cours dans une autre campagne (GRIPPE-75)." in explanation.text_fr
    summary = explain_campaign(engine, ameli, NOW)
    assert summary.by_code == {BlockCode.LIVE_CALL: 1}
    assert summary.callable_now == 1
    assert "- appel en cours dans une autre campagne ou vers le même numéro : 1" in summary.text_fr
    assert [c.contact_id for c in claim_contacts(engine, ameli, "w2", 5, NOW)] == [free]
