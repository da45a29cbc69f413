"""Facts and policies for the eligibility tests, and hypothesis strategies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st

from dialer.campaigns.eligibility import ContactFacts
from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.contacts.territories import TERRITORIES, Territory

# Tuesday 10 March 2026, 11:00 in Paris: an ordinary open calling hour.
OPEN_NOW = datetime(2026, 3, 10, 10, 0)
DEFAULT_POLICY = CallingPolicy()


def make_facts(territory: Territory = Territory.METRO, **changes: Any) -> ContactFacts:
    base = ContactFacts(
        person_id=1,
        contact_id=10,
        territory=territory,
        time_zone=TERRITORIES[territory].time_zone,
    )
    return replace(base, **changes)


utc_moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31))
territories = st.sampled_from(list(Territory))


@st.composite
def windows(draw: st.DrawFn) -> TimeWindow:
    start = draw(st.integers(min_value=0, max_value=23 * 60 + 58))
    length = draw(st.integers(min_value=1, max_value=24 * 60 - 1 - start))
    end = start + length
    return TimeWindow(start=time(start // 60, start % 60), end=time(end // 60, end % 60))


@st.composite
def policies(draw: st.DrawFn) -> CallingPolicy:
    use_default = draw(st.booleans())
    if use_default:
        return CallingPolicy()
    return CallingPolicy(
        windows=draw(st.lists(windows(), min_size=1, max_size=3)),
        weekdays=sorted(draw(st.sets(st.integers(0, 6), min_size=1))),
        skip_public_holidays=draw(st.booleans()),
        max_attempts=draw(st.integers(1, 10)),
        max_reached_per_30_days=draw(st.integers(1, 6)),
        refusal_cooldown_days=draw(st.integers(0, 90)),
    )


@st.composite
def contact_facts(draw: st.DrawFn, around: datetime) -> ContactFacts:
    """Any facts, with times drawn near `around` so that every rule gets exercised."""
    near = st.builds(
        lambda minutes: around + timedelta(minutes=minutes),
        st.integers(min_value=-90 * 24 * 60, max_value=10 * 24 * 60),
    )
    territory = draw(territories)
    return make_facts(
        territory,
        number_territory=draw(st.none() | territories),  # a number of another territory
        opted_out=draw(st.booleans()),
        limited=draw(st.booleans()),
        done=draw(st.booleans()),
        done_reason=draw(st.sampled_from([None, "interview_refused", "wrong_person", "autre"])),
        attempts=draw(st.integers(0, 12)),
        next_attempt_at=draw(st.none() | near),
        callback_at=draw(st.none() | near),
        expiry=draw(st.none() | near.map(lambda t: t.date())),
        last_refusal_at=draw(st.none() | near),
        reached_calls_30d=tuple(draw(st.lists(near, max_size=7))),
    )
