"""Deriving the current state from ledger entries, without a database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from consent.state import derive_state
from consent.vocabulary import Channel, Decision

T0 = datetime(2026, 1, 5, 9, 0)


@dataclass(frozen=True)
class Row:
    id: int | None
    channel: str
    decision: str
    at: datetime
    source: str = "call_outcome"


def test_no_entry_means_not_opted_out_on_every_channel() -> None:
    state = derive_state([])
    assert not any(state.is_opted_out(channel) for channel in Channel)
    assert state.as_dict()["call"] == {
        "opted_out": False,
        "decision": None,
        "at": None,
        "source": None,
    }
    assert set(state.as_dict()) == {"call", "sms", "email", "post"}


def test_latest_in_time_wins_whatever_the_order_given() -> None:
    older_opt_in = Row(2, "call", "opt_in", T0)
    newer_opt_out = Row(1, "call", "opt_out", T0 + timedelta(days=1), "fund_file")
    for entries in ([older_opt_in, newer_opt_out], [newer_opt_out, older_opt_in]):
        state = derive_state(entries)
        assert state.is_opted_out("call")
        assert state.as_dict()["call"]["source"] == "fund_file"
        assert state.as_dict()["call"]["at"] == "2026-01-06T09:00:00"


def test_same_instant_is_settled_by_the_higher_id() -> None:
    assert (
        derive_state([Row(8, "sms", "opt_in", T0), Row(7, "sms", "opt_out", T0)])
        .of(Channel.SMS)
        .decision
        is Decision.OPT_IN
    )
    assert derive_state([Row(8, "sms", "opt_out", T0), Row(7, "sms", "opt_in", T0)]).is_opted_out(
        "sms"
    )


def test_unsaved_entry_is_the_newest_of_its_instant() -> None:
    state = derive_state([Row(None, "email", "opt_out", T0), Row(99, "email", "opt_in", T0)])
    assert state.is_opted_out(Channel.EMAIL)


def test_channels_are_independent() -> None:
    state = derive_state([Row(1, "sms", "opt_out", T0), Row(2, "call", "opt_in", T0)])
    assert state.is_opted_out("sms")
    assert not state.is_opted_out("call")
    assert not state.is_opted_out("post")


entries_strategy = st.lists(
    st.tuples(
        st.sampled_from([c.value for c in Channel]),
        st.sampled_from([d.value for d in Decision]),
        st.integers(min_value=0, max_value=4),  # few distinct instants, so ties happen
    ),
    max_size=25,
)


@given(entries_strategy, st.randoms(use_true_random=False))
def test_latest_wins_regardless_of_insertion_order(
    raw: list[tuple[str, str, int]], shuffler: random.Random
) -> None:
    rows = [Row(i + 1, ch, dec, T0 + timedelta(hours=h)) for i, (ch, dec, h) in enumerate(raw)]
    shuffled = rows[:]
    shuffler.shuffle(shuffled)
    state = derive_state(shuffled)
    assert state == derive_state(rows)
    for channel in Channel:
        mine = [r for r in rows if r.channel == channel.value]
        if not mine:
            assert state.of(channel).decision is None
            continue
        winner = max(mine, key=lambda r: (r.at, r.id))
        assert state.of(channel).decision == winner.decision
        assert state.of(channel).at == winner.at
