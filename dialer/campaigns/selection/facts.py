"""The eligibility facts of a batch of contacts, read from the database in a few queries.

The selection and the claim transaction both hand these facts to the pure rules of
``dialer.campaigns.eligibility``. The whole batch is read in a handful of queries (the contacts
with their person and last refusal, the opted-out people, the person's other identities
and their refusals, the reached or still-going calls, the live-call locks), so the cost
follows the batch size, never one round trip per contact.

A person's history spans every campaign and every identity: the Person rows sharing
a NIR lookup are one insured person, known to several funds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, DateTime, Integer, and_, any_, bindparam, case, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from consent.ledger import opted_out_clause
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.eligibility import ContactFacts, LiveCall
from dialer.campaigns.eligibility.facts import TerritoryBasis
from dialer.campaigns.models import Campaign
from dialer.campaigns.reach import reached_condition, reached_moment
from dialer.campaigns.selection.locks import held_locks, lock_keys
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.contacts.territories import (
    NUMBER_PREFIXES,
    Territory,
    territory_from_postal_code,
    territory_of_number,
)
from dialer.contacts.themes import get_theme

REACHED_SPAN = timedelta(days=30)
REFUSED = "refused"
# Keeps every IN list well under the bind-parameter limits of SQLite and PostgreSQL.
CHUNK = 5_000

Executor = Connection | Session


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def in_ids(column: Any, dialect: str) -> Any:
    """``column IN :ids`` written so that PostgreSQL sees one statement whatever the count.

    An expanded IN list is a new statement text (parsed and planned again) for
    every batch size; ``= ANY(array)`` is one, which the driver prepares once.
    """
    if dialect == "postgresql":
        return column == any_(bindparam("ids", type_=ARRAY(Integer())))
    return column.in_(bindparam("ids", expanding=True))


def dialled_number() -> Any:
    """The number the dialler calls: the first phone, else the second."""
    return func.coalesce(col(Person.phone_e164), col(Person.phone2_e164))


def number_territory_sql() -> Any:
    """The territory of the dialled number, in SQL (``NUMBER_PREFIXES``); NULL when unknown."""
    number = dialled_number()
    whens = [(number.startswith(prefix), territory.value) for prefix, territory in NUMBER_PREFIXES]
    return case(*whens, else_=None)


def fact_columns() -> list[Any]:
    """The columns every fact but opt-out and reached calls is built from.

    Select them from ``campaigncontact`` joined to ``person`` (``facts_from``);
    the selection reads them with its candidates, so judging a candidate costs
    no extra query for them.
    """
    cc = CampaignContact
    last_refusal = (
        select(func.max(col(Outcome.created_at)))
        .where(
            col(Outcome.person_id) == col(cc.person_id),
            or_(col(Outcome.interview) == REFUSED, col(Outcome.offer) == REFUSED),
        )
        .scalar_subquery()
    )
    # A subquery, not a join: joining the campaign table made SQLite loop over it
    # first and lose the queue index's order (a sort of every pending contact).
    theme = select(col(Campaign.theme)).where(col(Campaign.id) == col(cc.campaign_id))
    return [
        col(cc.id),
        col(cc.campaign_id),
        col(cc.person_id),
        col(cc.status),
        col(cc.done_reason),
        col(cc.attempts),
        col(cc.next_attempt_at),
        col(cc.callback_at),
        col(cc.theme_data),
        col(Person.territory),
        col(Person.time_zone),
        col(Person.postal_code),
        dialled_number().label("number_e164"),
        col(Person.limited),
        col(Person.nir_lookup),
        col(Person.phone_e164),
        col(Person.phone2_e164),
        theme.scalar_subquery().label("theme"),
        last_refusal.label("last_refusal_at"),
    ]


def facts_from() -> Any:
    """``SELECT fact_columns() FROM campaigncontact JOIN person``."""
    cc = CampaignContact
    return select(*fact_columns()).join(Person, col(Person.id) == col(cc.person_id))


@cache
def _contact_query(dialect: str) -> Any:
    # Statements are built once: building SQLAlchemy expressions (the consent
    # ledger's aliases especially) costs more than running them on a batch.
    return facts_from().where(in_ids(col(CampaignContact.id), dialect))


@cache
def _opted_out_query(dialect: str) -> Any:
    # A separate query rather than a column of the contact query: in a select
    # list PostgreSQL computes the whole opted-out set and hashes it, while as a
    # filter on a handful of people it probes the ledger's index for each.
    return select(col(Person.id)).where(
        in_ids(col(Person.id), dialect), opted_out_clause(col(Person.id), "call")
    )


def opted_out_people(db: Executor, person_ids: Sequence[int]) -> set[int]:
    """Those of the people whose latest decision on outbound calls is opt-out."""
    rows = db.execute(_opted_out_query(dialect_name(db)), {"ids": list(person_ids)})
    return {int(row[0]) for row in rows}


def dialect_name(db: Executor) -> str:
    bind = db.get_bind() if isinstance(db, Session) else db
    return bind.dialect.name


@cache
def _siblings_query(dialect: str) -> Any:
    other = aliased(Person, name="same_nir")
    return (
        select(col(Person.id), col(other.id))
        .join(
            other,
            and_(col(other.nir_lookup) == col(Person.nir_lookup), col(other.id) != col(Person.id)),
        )
        .where(in_ids(col(Person.id), dialect))
    )


def other_identities(db: Executor, person_ids: Sequence[int]) -> dict[int, set[int]]:
    """The other Person rows of the same insured person (same NIR lookup), by person id."""
    found: dict[int, set[int]] = defaultdict(set)
    if person_ids:
        rows = db.execute(_siblings_query(dialect_name(db)), {"ids": list(person_ids)})
        for person_id, other_id in rows:
            found[int(person_id)].add(int(other_id))
    return found


@cache
def _reached_query(dialect: str) -> Any:
    attempt = CallAttempt
    since = bindparam("since", type_=DateTime())
    moment = reached_moment()
    # Reached as ``dialer.campaigns.reach`` says, whatever ended the call (an outage, a crash).
    reached = and_(reached_condition(), moment > since)
    # A call still going may reach the person: it counts until its result is known.
    live = and_(col(attempt.result).is_(None), col(attempt.created_at) > since)
    return select(col(attempt.person_id), moment, col(attempt.created_at)).where(
        in_ids(col(attempt.person_id), dialect), or_(reached, live)
    )


@cache
def _refusals_query(dialect: str) -> Any:
    return (
        select(col(Outcome.person_id), func.max(col(Outcome.created_at)))
        .where(
            in_ids(col(Outcome.person_id), dialect),
            or_(col(Outcome.interview) == REFUSED, col(Outcome.offer) == REFUSED),
        )
        .group_by(col(Outcome.person_id))
    )


@dataclass(frozen=True)
class History:
    """What the person's calls in every campaign and under every identity add up to."""

    reached: dict[int, list[datetime]]  # by person id: reached or still going, last 30 days
    other_refusals: dict[int, datetime]  # by person id: latest refusal under another identity


def _by_identity(person_ids: Sequence[int], siblings: dict[int, set[int]]) -> dict[int, list[int]]:
    """For each Person row involved, the people of the batch whose history it belongs to."""
    owners: dict[int, list[int]] = defaultdict(list)
    for person_id in person_ids:
        owners[person_id].append(person_id)
        for other in siblings.get(person_id, ()):
            owners[other].append(person_id)
    return owners


def person_history(db: Executor, person_ids: Sequence[int], now: datetime) -> History:
    """Reached and live calls of the last 30 days, in any campaign, under any identity."""
    siblings = other_identities(db, person_ids)
    owners = _by_identity(person_ids, siblings)
    reached: dict[int, list[datetime]] = defaultdict(list)
    query = _reached_query(dialect_name(db))
    for row in db.execute(query, {"ids": sorted(owners), "since": now - REACHED_SPAN}):
        moment = row[1] or row[2]
        for person_id in owners.get(row[0], ()):
            reached[person_id].append(moment)
    refusals: dict[int, datetime] = {}
    others = sorted({other for group in siblings.values() for other in group})
    if others:
        for other, at in db.execute(_refusals_query(dialect_name(db)), {"ids": others}):
            for person_id in owners.get(other, ()):
                if person_id != other and (person_id not in refusals or at > refusals[person_id]):
                    refusals[person_id] = at
    return History(reached, refusals)


def reached_calls(
    db: Executor, person_ids: Sequence[int], now: datetime
) -> dict[int, list[datetime]]:
    """The reached (or still going) calls of the last 30 days, any campaign or identity."""
    return person_history(db, person_ids, now).reached


def live_calls(db: Executor, rows: Iterable[Any], now: datetime) -> dict[int, LiveCall]:
    """By contact id, a call another contact has in progress to the same person or number."""
    keyed = [
        (row, lock_keys(row.person_id, row.nir_lookup, row.phone_e164 or row.phone2_e164))
        for row in rows
    ]
    held = held_locks(db, (key for _row, keys in keyed for key in keys), now)
    found: dict[int, LiveCall] = {}
    for row, keys in keyed:
        for key in keys:
            lock = held.get(key)
            # A contact's own call is not "another" call, while the contact still holds it.
            own = (
                lock is not None
                and lock.contact_id == row.id
                and row.status == ContactStatus.IN_PROGRESS
            )
            if lock is not None and not own:
                same = lock.campaign_id == row.campaign_id
                found[row.id] = LiveCall(lock.campaign_code, same_campaign=same)
                break
    return found


def theme_expiry(theme_key: str, theme_data: dict[str, Any] | None) -> date | None:
    """The theme's last callable day; a malformed stored date counts as no expiry."""
    try:
        return get_theme(theme_key).expiry(theme_data or {})
    except (KeyError, ValueError):
        return None


def load_facts(db: Executor, contact_ids: Iterable[int], now: datetime) -> dict[int, ContactFacts]:
    """Eligibility facts of the given contacts, by contact id (unknown ids are left out).

    ``db`` is a Connection or a Session: inside the claim transaction the facts are
    read through the very connection that holds the locks.
    """
    ids = sorted(set(contact_ids))
    facts: dict[int, ContactFacts] = {}
    for chunk in _chunks(ids):
        facts.update(_load_chunk(db, chunk, now))
    return facts


def _load_chunk(db: Executor, ids: Sequence[int], now: datetime) -> dict[int, ContactFacts]:
    rows = list(db.execute(_contact_query(dialect_name(db)), {"ids": list(ids)}))
    if not rows:
        return {}
    person_ids = sorted({row.person_id for row in rows})
    history = person_history(db, person_ids, now)
    return build_facts(rows, opted_out_people(db, person_ids), history, live_calls(db, rows, now))


def _last_refusal(row: Any, history: History) -> datetime | None:
    times = [t for t in (row.last_refusal_at, history.other_refusals.get(row.person_id)) if t]
    return max(times, default=None)


def _basis(postal_code: str | None, number_territory: Territory | None) -> TerritoryBasis:
    if territory_from_postal_code(postal_code) is not None:
        return TerritoryBasis.ADDRESS
    return TerritoryBasis.FUND if number_territory is None else TerritoryBasis.NUMBER


def build_facts(
    rows: Iterable[Any],
    opted_out: set[int],
    history: History,
    live: dict[int, LiveCall] | None = None,
) -> dict[int, ContactFacts]:
    """Facts from rows of ``fact_columns()``, the people's opt-outs, history and live calls."""
    live = live or {}
    return {row.id: _facts_of(row, opted_out, history, live.get(row.id)) for row in rows}


def _facts_of(
    row: Any, opted_out: set[int], history: History, live: LiveCall | None
) -> ContactFacts:
    number_territory = territory_of_number(row.number_e164)
    return ContactFacts(
        person_id=row.person_id,
        contact_id=row.id,
        territory=Territory(row.territory),
        time_zone=row.time_zone,
        number_territory=number_territory,
        number_e164=row.number_e164,
        territory_basis=_basis(row.postal_code, number_territory),
        opted_out=row.person_id in opted_out,
        limited=bool(row.limited),
        done=row.status == ContactStatus.DONE,
        done_reason=row.done_reason,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        callback_at=row.callback_at,
        expiry=theme_expiry(row.theme, row.theme_data),
        last_refusal_at=_last_refusal(row, history),
        reached_calls_30d=tuple(sorted(history.reached.get(row.person_id, ()))),
        live_call=live,
    )
