"""The next callable contacts of a campaign: an index-friendly SQL pre-filter, then the exact rules.

The SQL keeps only what it can judge cheaply (status, lease, retry and callback
times, limitation, opt-out, territories whose calling window is open, attempts);
``check_contact`` then decides on the full facts. Contacts come in three
segments, each read in the order of an index so a batch costs the same on a
campaign of a thousand or a million contacts: callbacks that are due (by the
time asked), never-tried contacts (by id), then retries that are due (by time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, tuple_
from sqlmodel import col

from consent.ledger import opted_out_clause
from dialer.campaigns.policies import CallingPolicy
from dialer.eligibility import check_contact, window_open_territories
from dialer.models import Campaign, CampaignContact, Person, WaveMember
from dialer.selection.facts import Executor, load_facts

# A batch holds this many times the wanted count: the exact rules seldom reject
# a pre-filtered contact, and a short answer costs another (rare) round.
BATCH_FACTOR = 2
# Bounds the work of one call when many pre-filtered contacts fail the exact
# rules (an expired theme, say): the caller asks again at its next tick.
MAX_ROUNDS_PER_SEGMENT = 8

_cc = CampaignContact
ContactRows = Select[int | None, datetime | None, datetime | None]


@dataclass(frozen=True)
class Segment:
    name: str
    condition: ColumnElement[bool]
    sort: Any | None  # the column ordered before the id, None for id only


def _segments(now: datetime) -> tuple[Segment, ...]:
    due_retry = or_(col(_cc.next_attempt_at).is_(None), col(_cc.next_attempt_at) <= now)
    return (
        Segment(
            "callback",
            and_(col(_cc.callback_at).is_not(None), col(_cc.callback_at) <= now, due_retry),
            col(_cc.callback_at),
        ),
        Segment(
            "fresh",
            and_(col(_cc.callback_at).is_(None), col(_cc.next_attempt_at).is_(None)),
            None,
        ),
        Segment(
            "retry",
            and_(col(_cc.callback_at).is_(None), col(_cc.next_attempt_at) <= now),
            col(_cc.next_attempt_at),
        ),
    )


def prefilter(
    campaign_id: int,
    now: datetime,
    policy: CallingPolicy,
    *,
    wave_id: int | None = None,
) -> ContactRows:
    """Contacts of the campaign the cheap rules let through (no order, no limit)."""
    territories = sorted(t.value for t in window_open_territories(policy, now))
    query: ContactRows = (
        select(col(_cc.id), col(_cc.callback_at), col(_cc.next_attempt_at))
        .join(Person, col(Person.id) == col(_cc.person_id))
        .where(
            col(_cc.campaign_id) == campaign_id,
            col(_cc.status) == "pending",
            or_(col(_cc.lease_expires_at).is_(None), col(_cc.lease_expires_at) <= now),
            or_(col(_cc.attempts) < policy.max_attempts, col(_cc.callback_at).is_not(None)),
            col(Person.limited) == false(),
            col(Person.territory).in_(territories),
            or_(col(Person.phone_e164).is_not(None), col(Person.phone2_e164).is_not(None)),
            ~opted_out_clause(col(_cc.person_id), "call"),
        )
    )
    if wave_id is not None:
        member = exists().where(
            col(WaveMember.wave_id) == wave_id, col(WaveMember.contact_id) == col(_cc.id)
        )
        query = query.where(member)
    return query


def _page(base: ContactRows, segment: Segment, after: tuple[Any, ...] | None, size: int) -> Any:
    query = base.where(segment.condition)
    if segment.sort is None:
        if after is not None:
            query = query.where(col(_cc.id) > after[-1])
        return query.order_by(col(_cc.id)).limit(size)
    if after is not None:
        query = query.where(tuple_(segment.sort, col(_cc.id)) > tuple_(*after))
    return query.order_by(segment.sort, col(_cc.id)).limit(size)


def _sort_key(segment: Segment, row: Any) -> tuple[Any, ...]:
    if segment.name == "callback":
        return (row.callback_at, row.id)
    if segment.name == "retry":
        return (row.next_attempt_at, row.id)
    return (row.id,)


def _eligible(db: Executor, ids: Sequence[int], policy: CallingPolicy, now: datetime) -> list[int]:
    facts = load_facts(db, ids, now)
    return [i for i in ids if i in facts and check_contact(facts[i], policy, now) is None]


def _from_segment(
    db: Executor,
    base: ContactRows,
    segment: Segment,
    wanted: int,
    policy: CallingPolicy,
    now: datetime,
) -> list[int]:
    size = max(wanted * BATCH_FACTOR, 10)
    found: list[int] = []
    after: tuple[Any, ...] | None = None
    for _ in range(MAX_ROUNDS_PER_SEGMENT):
        rows = list(db.execute(_page(base, segment, after, size)).all())
        found.extend(_eligible(db, [row.id for row in rows], policy, now))
        if len(found) >= wanted or len(rows) < size:
            break
        after = _sort_key(segment, rows[-1])
    return found[:wanted]


def campaign_policy(db: Executor, campaign_id: int) -> CallingPolicy:
    query = select(col(Campaign.calling_policy)).where(col(Campaign.id) == campaign_id)
    stored = db.execute(query).scalar_one_or_none()
    if stored is None:
        raise LookupError(f"campaign {campaign_id} not found")
    return CallingPolicy.model_validate(stored)


def select_candidates(
    db: Executor,
    campaign_id: int,
    count: int,
    now: datetime,
    *,
    wave_id: int | None = None,
    policy: CallingPolicy | None = None,
) -> list[int]:
    """Ids of up to ``count`` contacts callable at ``now`` (naive UTC), best first.

    Callbacks due come first, then never-tried contacts, then due retries.
    """
    if count <= 0:
        return []
    policy = policy or campaign_policy(db, campaign_id)
    if not window_open_territories(policy, now):
        return []
    base = prefilter(campaign_id, now, policy, wave_id=wave_id)
    chosen: list[int] = []
    for segment in _segments(now):
        chosen.extend(_from_segment(db, base, segment, count - len(chosen), policy, now))
        if len(chosen) >= count:
            break
    return chosen
