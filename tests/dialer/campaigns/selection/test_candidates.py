"""Which contacts the selection returns, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from consent.ledger import record
from dialer.campaigns.eligibility import BlockCode, check_contact
from dialer.campaigns.models import Wave, WaveMember
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.selection import load_facts, select_candidates
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope
from tests.dialer.campaigns.selection.builders import (
    NOW,
    REUNION_NIGHT,
    add_contact,
    add_reached_call,
    add_refusal,
    make_world,
    other_campaign,
)


def _select(engine: Engine, campaign_id: int, count: int = 50, now: datetime = NOW) -> list[int]:
    with engine.connect() as conn:
        return select_candidates(conn, campaign_id, count, now)


def test_blocked_people_are_never_selected(engine: Engine) -> None:
    world = make_world(engine)
    callable_id, _ = add_contact(world)
    opted_out, opted_person = add_contact(world)
    limited, _ = add_contact(world, limited=True)
    done, _ = add_contact(world, status="done", done_reason="offer_accepted")
    waiting, _ = add_contact(world, attempts=1, next_attempt_at=NOW + timedelta(hours=2))
    expired, _ = add_contact(world, theme_data={"ebd_cover_end": "2026-03-01"})
    still_valid, _ = add_contact(world, theme_data={"ebd_cover_end": "2026-03-10"})
    busy_elsewhere, busy_person = add_contact(world)
    refused_elsewhere, refused_person = add_contact(world)
    elsewhere = other_campaign(world, "C2")
    with session_scope(engine) as session:
        record(session, opted_person, "call", "opt_out", "fund_file", "caisse", now=NOW)
    other_busy, _ = add_contact(world, campaign_id=elsewhere, person_id=busy_person)
    other_refused, _ = add_contact(world, campaign_id=elsewhere, person_id=refused_person)
    with session_scope(engine) as session:
        for days in (1, 5, 12, 20):
            at = NOW - timedelta(days=days)
            add_reached_call(session, elsewhere, other_busy, busy_person, at)
        add_refusal(session, elsewhere, other_refused, refused_person, NOW - timedelta(days=10))

    assert _select(engine, world.campaign_id) == [callable_id, still_valid]

    blocked = {
        opted_out: BlockCode.OPTED_OUT,
        limited: BlockCode.LIMITED,
        done: BlockCode.DONE,
        waiting: BlockCode.RETRY_DELAY,
        expired: BlockCode.EXPIRED,
        busy_elsewhere: BlockCode.REACHED_LIMIT,
        refused_elsewhere: BlockCode.REFUSAL_COOLDOWN,
    }
    with engine.connect() as conn:
        facts = load_facts(conn, list(blocked), NOW)
    for contact_id, code in blocked.items():
        block = check_contact(facts[contact_id], CallingPolicy(), NOW)
        assert block is not None and block.code == code, contact_id


def test_three_reached_calls_still_allow_a_fourth(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    elsewhere = other_campaign(world, "C2")
    other, _ = add_contact(world, campaign_id=elsewhere, person_id=person_id)
    with session_scope(engine) as session:
        for days in (1, 5, 40):  # the one 40 days ago no longer counts
            add_reached_call(session, elsewhere, other, person_id, NOW - timedelta(days=days))
        add_refusal(session, elsewhere, other, person_id, NOW - timedelta(days=61))
    assert _select(engine, world.campaign_id) == [contact_id]


def test_calls_cut_by_an_outage_after_the_answer_count_as_reached(engine: Engine) -> None:
    world = make_world(engine)
    cut_off, person_id = add_contact(world)
    never_answered, other_person = add_contact(world)
    elsewhere = other_campaign(world, "C2")
    other, _ = add_contact(world, campaign_id=elsewhere, person_id=person_id)
    unanswered, _ = add_contact(world, campaign_id=elsewhere, person_id=other_person)
    outage = "ended_while_disconnected"
    with session_scope(engine) as session:
        for days in (1, 5):  # the person answered, then the AMI link dropped
            at = NOW - timedelta(days=days)
            add_reached_call(session, elsewhere, other, person_id, at, result=outage)
        at = NOW - timedelta(days=8)  # bridged to an agent, the answer time lost with a worker
        add_reached_call(
            session, elsewhere, other, person_id, at, result="failed", answered=False,
            connected=True,
        )  # fmt: skip
        add_reached_call(session, elsewhere, other, person_id, NOW - timedelta(days=9))
        for days in (1, 2, 3, 4, 5):  # cut while ringing: nobody was reached
            at = NOW - timedelta(days=days)
            add_reached_call(
                session, elsewhere, unanswered, other_person, at, result=outage, answered=False
            )
    assert _select(engine, world.campaign_id) == [never_answered]
    with engine.connect() as conn:
        facts = load_facts(conn, [cut_off], NOW)
    block = check_contact(facts[cut_off], CallingPolicy(), NOW)
    assert block is not None and block.code == BlockCode.REACHED_LIMIT


def test_a_later_opt_in_lifts_the_opt_out(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    with session_scope(engine) as session:
        at = NOW - timedelta(days=3)
        record(session, person_id, "call", "opt_out", "fund_file", "caisse", at=at, now=NOW)
        record(session, person_id, "sms", "opt_out", "fund_file", "caisse", now=NOW)
    assert _select(engine, world.campaign_id) == []
    with session_scope(engine) as session:
        record(session, person_id, "call", "opt_in", "call_outcome", "agent", now=NOW)
    assert _select(engine, world.campaign_id) == [contact_id]


def test_people_outside_their_calling_window_wait(engine: Engine) -> None:
    world = make_world(engine)
    reunion, _ = add_contact(world, Territory.REUNION)
    paris, _ = add_contact(world, Territory.METRO)
    assert _select(engine, world.campaign_id, now=REUNION_NIGHT) == [paris]
    assert _select(engine, world.campaign_id, now=NOW) == [reunion, paris]
    sunday = NOW + timedelta(days=5)
    assert _select(engine, world.campaign_id, now=sunday) == []


def test_callbacks_first_then_fresh_then_due_retries(engine: Engine) -> None:
    world = make_world(engine)
    retry_old, _ = add_contact(world, attempts=1, next_attempt_at=NOW - timedelta(hours=3))
    fresh_a, _ = add_contact(world)
    retry_new, _ = add_contact(world, attempts=1, next_attempt_at=NOW - timedelta(hours=5))
    late_callback, _ = add_contact(world, attempts=1, callback_at=NOW - timedelta(minutes=5))
    early_callback, _ = add_contact(world, attempts=1, callback_at=NOW - timedelta(hours=1))
    future_callback, _ = add_contact(world, attempts=1, callback_at=NOW + timedelta(hours=1))
    fresh_b, _ = add_contact(world)
    expected = [early_callback, late_callback, fresh_a, fresh_b, retry_new, retry_old]
    assert _select(engine, world.campaign_id) == expected
    assert _select(engine, world.campaign_id, count=3) == expected[:3]
    assert future_callback not in _select(engine, world.campaign_id)


def test_exhausted_attempts_are_skipped_but_callbacks_kept(engine: Engine) -> None:
    world = make_world(engine)
    add_contact(world, attempts=8, next_attempt_at=NOW - timedelta(hours=1))
    asked, _ = add_contact(world, attempts=8, callback_at=NOW - timedelta(minutes=1))
    assert _select(engine, world.campaign_id) == [asked]


def test_a_long_run_of_rejected_contacts_is_paged_through(engine: Engine) -> None:
    world = make_world(engine)
    for _ in range(25):
        add_contact(world, theme_data={"ebd_cover_end": "2026-01-01"})
    wanted = [add_contact(world)[0] for _ in range(3)]
    assert _select(engine, world.campaign_id, count=3) == wanted


def test_paging_through_due_retries_sharing_one_time(engine: Engine) -> None:
    world = make_world(engine)
    due = NOW - timedelta(hours=1)
    for _ in range(25):
        add_contact(
            world, attempts=1, next_attempt_at=due, theme_data={"ebd_cover_end": "2026-01-01"}
        )
    wanted = [add_contact(world, attempts=1, next_attempt_at=due)[0] for _ in range(3)]
    later = add_contact(world, attempts=1, next_attempt_at=due + timedelta(minutes=1))[0]
    assert _select(engine, world.campaign_id, count=4) == [*wanted, later]


def test_only_the_wave_members_are_selected_for_a_wave(engine: Engine) -> None:
    world = make_world(engine)
    outside, _ = add_contact(world)
    member, _ = add_contact(world)
    with session_scope(engine) as session:
        wave = Wave(campaign_id=world.campaign_id, name="V", starts_at=NOW, ends_at=NOW)
        session.add(wave)
        session.flush()
        session.add(WaveMember(wave_id=wave.id or 0, contact_id=member))
        wave_id = wave.id or 0
    with engine.connect() as conn:
        assert select_candidates(conn, world.campaign_id, 5, NOW, wave_id=wave_id) == [member]
    assert _select(engine, world.campaign_id) == [outside, member]
