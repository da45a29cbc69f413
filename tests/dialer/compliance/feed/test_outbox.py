"""The outbox: events of an outcome, gap-free numbering, need-to-know payloads."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.compliance.feed import emit_event, emit_outcome_events
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.feed.reading import read_page
from dialer.compliance.feed.wire import event_dict
from dialer.contacts.funds import FundFeed
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import NIR, World, add_outcome, build_world


@pytest.fixture
def world(engine: Engine, cipher: DataCipher) -> World:
    return build_world(engine, cipher)


def test_a_full_outcome_gives_every_event_in_order(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        outcome = add_outcome(
            session,
            world,
            interview="accepted",
            offer="refused",
            followup_category="remboursement",
            followup_text="Rappeler pour le dossier de soins",
            contact_changes={"email": "claire@example.org", "phone": "+33699999999"},
            consent_changes={"sms": "opt_out"},
            callback_at=datetime(2026, 12, 1, 9, 30),
            created_at=datetime(2026, 11, 25, 10, 0, 0),
        )
        events = emit_outcome_events(session, outcome, world.fund_a)
        session.commit()
    kinds = [event.kind for event in events]
    assert kinds == [
        "interview_accepted",
        "offer_refused",
        "followup_request",
        "contact_change",
        "contact_change",
        "consent_change",
        "callback_requested",
    ]
    assert [event.seq for event in events] == list(range(1, 8))
    assert len({event.event_id for event in events}) == 7
    delivered = [event_dict(row, cipher) for row in read_page(engine, world.fund_a, 0, 100)]
    first = delivered[0]["payload"]
    assert first == {
        "campaign": "GRIPPE-75",
        "row_ref": "L-0001",
        "occurred_at": "2026-11-25T10:00:00Z",
        "nir": NIR,
    }
    assert delivered[2]["payload"]["category"] == "remboursement"
    changes = {(e["payload"]["field"], e["payload"]["value"]) for e in delivered[3:5]}
    assert changes == {("email", "claire@example.org"), ("phone", "+33699999999")}
    assert delivered[5]["payload"]["channel"] == "sms"
    assert delivered[5]["payload"]["decision"] == "opt_out"
    assert delivered[6]["payload"]["callback_at"] == "2026-12-01T09:30:00Z"


def test_the_nir_is_sealed_at_rest(engine: Engine, cipher: DataCipher, world: World) -> None:
    with Session(engine, expire_on_commit=False) as session:
        outcome = add_outcome(session, world, wrong_person=True)
        emit_outcome_events(session, outcome, world.fund_a)
        session.commit()
        stored = session.exec(select(FeedEvent)).one()
    assert stored.kind == "wrong_person"
    assert NIR not in json.dumps(stored.payload)
    assert "nir" not in stored.payload


def test_a_rolled_back_outcome_leaves_no_gap(engine: Engine, world: World) -> None:
    with Session(engine, expire_on_commit=False) as session:
        outcome = add_outcome(session, world, interview="refused")
        emit_outcome_events(session, outcome, world.fund_a)
        session.rollback()
    with Session(engine, expire_on_commit=False) as session:
        outcome = add_outcome(session, world, interview="refused")
        (event,) = emit_outcome_events(session, outcome, world.fund_a)
        session.commit()
    assert event.seq == 1
    assert event.kind == "interview_refused"


def test_each_fund_numbers_its_own_feed(engine: Engine, world: World) -> None:
    with Session(engine, expire_on_commit=False) as session:
        emit_event(
            session,
            world.fund_a,
            "consent_change",
            {"channel": "call", "decision": "opt_out"},
            campaign_id=world.campaign_a,
            person_id=world.person_a,
        )
        other = emit_event(
            session,
            world.fund_b,
            "consent_change",
            {"channel": "call", "decision": "opt_out"},
            campaign_id=world.campaign_b,
            person_id=world.person_b,
        )
        session.commit()
    assert other.seq == 1


def test_rectification_of_a_declared_field(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        event = emit_event(
            session,
            world.fund_a,
            "rectification",
            {"field": "last_name", "value": "Martin-Durand"},
            campaign_id=world.campaign_a,
            person_id=world.person_a,
        )
        session.commit()
    (row,) = read_page(engine, world.fund_a, 0, 10)
    delivered = event_dict(row, cipher)
    assert delivered["event_id"] == event.event_id
    assert delivered["payload"]["field"] == "last_name"
    assert delivered["payload"]["value"] == "Martin-Durand"


@pytest.mark.parametrize(
    "payload",
    [
        {"field": "siret", "value": "73282932000074"},  # an employer field, not this theme's
        {"field": "nir", "value": NIR},  # a secret never travels as a value
        {"field": "ebd_cover_end", "value": "2027-01-01"},  # another theme's field
        {"nom": "Martin"},  # not an event key at all
    ],
)
def test_fields_outside_the_theme_are_refused(
    engine: Engine, world: World, payload: dict[str, str]
) -> None:
    with Session(engine) as session, pytest.raises(ValueError):
        emit_event(
            session,
            world.fund_a,
            "rectification",
            payload,
            campaign_id=world.campaign_a,
            person_id=world.person_a,
        )


def test_concurrent_emitters_never_leave_gaps_or_duplicates(engine: Engine, world: World) -> None:
    threads, rounds = 6, 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def emitter() -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                with Session(engine, expire_on_commit=False) as session:
                    outcome = add_outcome(session, world, interview="accepted", offer="accepted")
                    emit_outcome_events(session, outcome, world.fund_a)
                    session.commit()
        except BaseException as error:  # reported below, the thread must not die silently
            errors.append(error)

    workers = [threading.Thread(target=emitter) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    total = threads * rounds * 2
    with Session(engine, expire_on_commit=False) as session:
        seqs = session.exec(
            select(FeedEvent.seq)
            .where(FeedEvent.fund_id == world.fund_a)
            .order_by(col(FeedEvent.seq))
        ).all()
        feed = session.get(FundFeed, world.fund_a)
    assert list(seqs) == list(range(1, total + 1))
    assert feed is not None and feed.last_seq == total
