"""The next callable contacts of a campaign: an index-friendly SQL pre-filter, then the exact rules.

The SQL keeps only what it can judge cheaply (status, lease, retry and callback
times, limitation, opt-out, the person's and the dialled number's territories
both with an open calling window, attempts);
``check_contact`` then decides on the full facts. Contacts come in three
segments, each one range of ``ix_contact_queue`` read in index order, so a batch
costs the same on a campaign of a thousand or a million contacts: callbacks that
are due (by the time asked), never-tried contacts (by id), then retries that are
due (by time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    exists,
    false,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from consent.ledger import opted_out_clause
from dialer.campaigns.eligibility import check_contact, window_open_territories
from dialer.campaigns.models import Campaign, WaveMember
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.selection.facts import (
    Executor,
    build_facts,
    dialect_name,
    facts_from,
    live_calls,
    number_territory_sql,
    person_history,
)
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person

# A page holds the wanted count plus a margin: the exact rules seldom reject a
# pre-filtered contact, and a short page costs one more (rare) round.
PAGE_MARGIN = 0.25
MIN_PAGE = 10
# Bounds the work of one call when many pre-filtered contacts fail the exact
# rules (an expired theme, say): the caller asks again at its next tick.
MAX_ROUNDS_PER_SEGMENT = 8

_cc = CampaignContact


class Segment(StrEnum):
    CALLBACK = "callback"
    FRESH = "fresh"
    RETRY = "retry"


def _now() -> Any:
    return bindparam("now", type_=DateTime())


def _segment_condition(segment: Segment) -> ColumnElement[bool]:
    if segment is Segment.CALLBACK:
        due = or_(col(_cc.next_attempt_at).is_(None), col(_cc.next_attempt_at) <= _now())
        return and_(col(_cc.callback_at).is_not(None), col(_cc.callback_at) <= _now(), due)
    if segment is Segment.FRESH:
        return and_(col(_cc.callback_at).is_(None), col(_cc.next_attempt_at).is_(None))
    return and_(col(_cc.callback_at).is_(None), col(_cc.next_attempt_at) <= _now())


def _sort_column(segment: Segment) -> Any | None:
    if segment is Segment.CALLBACK:
        return col(_cc.callback_at)
    if segment is Segment.RETRY:
        return col(_cc.next_attempt_at)
    return None


def _in_territories(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        # One statement text whatever the number of open territories (see in_ids).
        return column == any_(bindparam("territories", type_=ARRAY(String())))
    return column.in_(bindparam("territories", expanding=True))


def _open_for_both(dialect: str) -> Any:
    """The person's territory and the dialled number's (when it tells) both in a window."""
    number = number_territory_sql()
    return and_(
        _in_territories(dialect, col(Person.territory)),
        or_(number.is_(None), _in_territories(dialect, number)),
    )


def prefilter(dialect: str, *, in_wave: bool = False) -> Any:
    """Contacts the cheap rules let through, unordered; parameters: see ``_parameters``.

    Built once per shape: constructing the expression (the consent ledger's
    aliases especially) costs more than running it.
    """
    query = facts_from().where(
        col(_cc.campaign_id) == bindparam("campaign_id", type_=Integer()),
        col(_cc.status) == ContactStatus.PENDING,
        or_(col(_cc.lease_expires_at).is_(None), col(_cc.lease_expires_at) <= _now()),
        or_(
            col(_cc.attempts) < bindparam("max_attempts", type_=Integer()),
            col(_cc.callback_at).is_not(None),
        ),
        col(Person.limited) == false(),
        _open_for_both(dialect),
        or_(col(Person.phone_e164).is_not(None), col(Person.phone2_e164).is_not(None)),
        ~opted_out_clause(col(_cc.person_id), "call"),
    )
    if in_wave:
        member = exists().where(
            col(WaveMember.wave_id) == bindparam("wave_id", type_=Integer()),
            col(WaveMember.contact_id) == col(_cc.id),
        )
        query = query.where(member)
    return query


@cache
def _page_query(dialect: str, segment: Segment, in_wave: bool, after: bool) -> Any:
    query = prefilter(dialect, in_wave=in_wave).where(_segment_condition(segment))
    sort = _sort_column(segment)
    after_id = bindparam("after_id", type_=Integer())
    if sort is None:
        query = query.where(col(_cc.id) > after_id) if after else query
        return query.order_by(col(_cc.id)).limit(bindparam("size", type_=Integer()))
    if after:
        after_sort = bindparam("after_sort", type_=DateTime())
        query = query.where(tuple_(sort, col(_cc.id)) > tuple_(after_sort, after_id))
    return query.order_by(sort, col(_cc.id)).limit(bindparam("size", type_=Integer()))


def _parameters(
    campaign_id: int, now: datetime, policy: CallingPolicy, wave_id: int | None
) -> dict[str, Any]:
    territories = sorted(t.value for t in window_open_territories(policy, now))
    return {
        "campaign_id": campaign_id,
        "now": now,
        "max_attempts": policy.max_attempts,
        "territories": territories,
        "wave_id": wave_id,
    }


def _after(segment: Segment, row: Any) -> dict[str, Any]:
    sort = {Segment.CALLBACK: row.callback_at, Segment.RETRY: row.next_attempt_at}
    return {"after_id": row.id, "after_sort": sort.get(segment)}


def _eligible(
    db: Executor, rows: Sequence[Any], policy: CallingPolicy, now: datetime, wanted: int
) -> list[int]:
    """The first ``wanted`` callable ids, in order; stops judging once it has them.

    The rows carry the facts; the SQL already left out the opted-out people. A
    call in progress elsewhere is judged here, not in the SQL: an anti-join on the
    (small, fast-changing) lock table made PostgreSQL's planner give up the queue
    index's order and sort every pending contact.
    """
    person_ids = sorted({row.person_id for row in rows})
    history = person_history(db, person_ids, now)
    facts = build_facts(rows, set(), history, live_calls(db, rows, now))
    kept: list[int] = []
    for row in rows:
        if check_contact(facts[row.id], policy, now) is None:
            kept.append(row.id)
            if len(kept) >= wanted:
                break
    return kept


def _from_segment(
    db: Executor, segment: Segment, params: dict[str, Any], wanted: int, policy: CallingPolicy
) -> list[int]:
    size = max(int(wanted * (1 + PAGE_MARGIN)), MIN_PAGE)
    in_wave = params["wave_id"] is not None
    found: list[int] = []
    after: dict[str, Any] = {}
    for _ in range(MAX_ROUNDS_PER_SEGMENT):
        query = _page_query(dialect_name(db), segment, in_wave, bool(after))
        rows = list(db.execute(query, {**params, **after, "size": size}))
        found.extend(_eligible(db, rows, policy, params["now"], wanted - len(found)))
        if len(found) >= wanted or len(rows) < size:
            break
        after = _after(segment, rows[-1])
    return found


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

    Due callbacks come first, then never-tried contacts, then due retries.
    With ``wave_id``, only the members of that wave.
    """
    if count <= 0:
        return []
    policy = policy or campaign_policy(db, campaign_id)
    params = _parameters(campaign_id, now, policy, wave_id)
    if not params["territories"]:
        return []
    chosen: list[int] = []
    for segment in Segment:
        chosen.extend(_from_segment(db, segment, params, count - len(chosen), policy))
        if len(chosen) >= count:
            break
    return chosen
