"""Property: the three SQL paths agree with the pure derivation, whatever the history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from consent import ledger
from consent.models import ConsentEntry

NOW = datetime(2026, 11, 25, 15, 0)
PEOPLE = [1, 2, 3, 4]

histories = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE),
        st.sampled_from(["call", "sms"]),
        st.sampled_from(["opt_in", "opt_out"]),
        st.integers(min_value=0, max_value=3),  # days ago: ties on purpose
    ),
    max_size=20,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(histories, st.randoms(use_true_random=False))
def test_sql_paths_agree_with_pure_state(
    session: Session, raw: list[tuple[int, str, str, int]], shuffler: random.Random
) -> None:
    session.execute(sa.delete(ConsentEntry))
    shuffler.shuffle(raw)
    for person, channel, decision, days_ago in raw:
        ledger.record(
            session, person, channel, decision, "manager", "m", at=NOW - timedelta(days=days_ago)
        )
    session.flush()
    for channel in ["call", "sms"]:
        # Oracle from the raw history: insertion order is id order, fewer days ago is later.
        latest: dict[int, tuple[int, int, str]] = {}
        for index, (person, ch, decision, days_ago) in enumerate(raw):
            if ch == channel:
                latest[person] = max(latest.get(person, (-9, -1, "")), (-days_ago, index, decision))
        expected = {p for p, (_, _, decision) in latest.items() if decision == "opt_out"}
        assert {p for p in PEOPLE if ledger.current_state(session, p).is_opted_out(channel)} == (
            expected
        )
        listed = list(session.scalars(ledger.opted_out_person_ids(channel)))
        assert sorted(listed) == sorted(expected)  # each person once
        assert {p for p in PEOPLE if ledger.is_opted_out(session, p, channel)} == expected
    session.rollback()
