"""The ledger on a real database: append-only writes, current state and the opted-out set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from consent import ledger
from consent.errors import ConsentError
from consent.models import ConsentEntry
from consent.vocabulary import Channel, Decision, Source

NOW = datetime(2026, 11, 25, 15, 0)


def _record(session: Session, person: int, decision: str, at: datetime, channel: str = "call"):
    return ledger.record(
        session, person, channel, decision, "call_outcome", "agent.dupont", at=at, now=NOW
    )


def _opted_out(session: Session, channel: str = "call") -> set[int]:
    return set(session.scalars(ledger.opted_out_person_ids(channel)))


def test_record_appends_a_validated_entry(session: Session) -> None:
    entry = ledger.record(
        session, 42, Channel.CALL, Decision.OPT_OUT, Source.FUND_FILE, " cpam-75 ", "opt-out.csv"
    )
    session.commit()
    assert entry.id is not None
    stored = session.get(ConsentEntry, entry.id)
    assert stored is not None
    assert (stored.person_id, stored.channel, stored.decision) == (42, "call", "opt_out")
    assert (stored.source, stored.author, stored.reference) == (
        "fund_file",
        "cpam-75",
        "opt-out.csv",
    )
    assert abs(stored.at - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=1)


def test_aware_datetime_is_stored_as_naive_utc(session: Session) -> None:
    paris_winter = timezone(timedelta(hours=1))
    entry = _record(session, 1, "opt_out", datetime(2026, 11, 25, 10, 0, tzinfo=paris_winter))
    assert entry.at == datetime(2026, 11, 25, 9, 0)


@pytest.mark.parametrize(
    ("person", "channel", "decision", "source", "author", "reference", "at", "expected"),
    [
        (1, "fax", "opt_out", "manager", "a", None, None, "Canal inconnu"),
        (1, "call", "maybe", "manager", "a", None, None, "Décision inconnu"),
        (1, "call", "opt_out", "rumour", "a", None, None, "Origine inconnu"),
        (1, "call", "opt_out", "manager", "  ", None, None, "L'auteur est obligatoire"),
        (1, "call", "opt_out", "manager", "a", "r" * 101, None, "dépasse 100"),
        (0, "call", "opt_out", "manager", "a", None, None, "Identifiant de personne"),
        (1, "call", "opt_out", "manager", "a", None, NOW + timedelta(hours=1), "futur"),
    ],
)
def test_invalid_decision_is_refused_and_nothing_stored(
    session: Session, person, channel, decision, source, author, reference, at, expected
) -> None:
    with pytest.raises(ConsentError, match=expected):
        ledger.record(session, person, channel, decision, source, author, reference, at, now=NOW)
    assert session.scalars(select(ConsentEntry)).all() == []


def test_entries_are_never_rewritten(session: Session) -> None:
    entry = _record(session, 7, "opt_out", NOW)
    session.commit()
    entry.decision = "opt_in"
    with pytest.raises(ConsentError, match="ne se modifie pas"):
        session.flush()
    session.rollback()
    assert ledger.is_opted_out(session, 7)


def test_change_of_mind_is_a_new_entry_and_history_keeps_both(session: Session) -> None:
    _record(session, 5, "opt_out", NOW - timedelta(days=3))
    _record(session, 5, "opt_in", NOW - timedelta(days=1))
    session.commit()
    assert [e.decision for e in ledger.history(session, 5)] == ["opt_out", "opt_in"]
    assert not ledger.current_state(session, 5).is_opted_out("call")
    assert not ledger.is_opted_out(session, 5)
    assert _opted_out(session) == set()


def test_backdated_opt_in_does_not_cancel_a_more_recent_opt_out(session: Session) -> None:
    # A fund file imported today carries an opt-in given last month; yesterday the person
    # refused outbound calls on the phone. The refusal must keep stopping calls.
    _record(session, 9, "opt_out", NOW - timedelta(days=1))
    ledger.record(
        session, 9, "call", "opt_in", "fund_file", "cpam-13", at=NOW - timedelta(days=30), now=NOW
    )
    session.commit()
    assert ledger.current_state(session, 9).is_opted_out("call")
    assert ledger.is_opted_out(session, 9)
    assert _opted_out(session) == {9}


def test_opted_out_set_per_channel_lists_each_person_once(session: Session) -> None:
    _record(session, 1, "opt_out", NOW - timedelta(days=2))
    _record(session, 1, "opt_out", NOW - timedelta(days=1))
    _record(session, 2, "opt_out", NOW - timedelta(days=1), channel="sms")
    _record(session, 3, "opt_in", NOW - timedelta(days=1))
    _record(session, 4, "opt_out", NOW - timedelta(days=5))
    _record(session, 4, "opt_in", NOW - timedelta(days=4))
    session.commit()
    assert sorted(session.scalars(ledger.opted_out_person_ids())) == [1]
    assert _opted_out(session, "sms") == {2}
    assert _opted_out(session, "email") == set()
    assert ledger.current_state(session, 2).is_opted_out("sms")
    assert not ledger.is_opted_out(session, 2, "call")


def test_selectable_and_clause_filter_candidates_inside_a_larger_query(session: Session) -> None:
    for person, decision in [(1, "opt_out"), (2, "opt_in"), (3, "opt_out")]:
        _record(session, person, decision, NOW - timedelta(hours=1))
    session.commit()
    candidates = sa.union_all(
        *(sa.select(sa.literal(p, sa.Integer).label("pid")) for p in [1, 2, 3, 4])
    ).subquery()
    with_not_in = sa.select(candidates.c.pid).where(
        candidates.c.pid.not_in(ledger.opted_out_person_ids())
    )
    with_exists = sa.select(candidates.c.pid).where(~ledger.opted_out_clause(candidates.c.pid))
    assert sorted(session.scalars(with_not_in)) == [2, 4]
    assert sorted(session.scalars(with_exists)) == [2, 4]


def test_sqlite_plan_reads_indexes_not_the_whole_ledger(engine: sa.Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("plan text is SQLite's")
    query = ledger.opted_out_person_ids().compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
    assert "ix_consent_decision" in plan
    assert "ix_consent_latest" in plan
    assert "SCAN consent_latest" not in plan.replace("USING COVERING INDEX", "")
