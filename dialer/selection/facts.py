"""The eligibility facts of a batch of contacts, read from the database in a few queries.

The selection and the claim transaction both hand these facts to the pure rules of
``dialer.eligibility``; each fact is read for the whole batch at once (one query per
kind of fact), so the cost follows the batch size, never one round trip per contact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, func, or_, select
from sqlmodel import Session, col

from consent.ledger import opted_out_clause
from dialer.eligibility import ContactFacts
from dialer.models import CallAttempt, Campaign, CampaignContact, Outcome, Person
from dialer.territories import Territory
from dialer.themes import get_theme
from telephony.results import REACHED_RESULTS

REACHED_SPAN = timedelta(days=30)
REFUSED = "refused"
# Keeps every IN list well under the bind-parameter limits of SQLite and PostgreSQL.
CHUNK = 5_000

Executor = Connection | Session


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _contact_rows(db: Executor, ids: Sequence[int]) -> list[Any]:
    query = (
        select(
            col(CampaignContact.id),
            col(CampaignContact.person_id),
            col(CampaignContact.status),
            col(CampaignContact.done_reason),
            col(CampaignContact.attempts),
            col(CampaignContact.next_attempt_at),
            col(CampaignContact.callback_at),
            col(CampaignContact.theme_data),
            col(Person.territory),
            col(Person.time_zone),
            col(Person.limited),
            col(Campaign.theme),
        )
        .join(Person, col(Person.id) == col(CampaignContact.person_id))
        .join(Campaign, col(Campaign.id) == col(CampaignContact.campaign_id))
        .where(col(CampaignContact.id).in_(ids))
    )
    return list(db.execute(query).all())


def _opted_out(db: Executor, person_ids: Sequence[int]) -> set[int]:
    query = select(col(Person.id)).where(
        col(Person.id).in_(person_ids), opted_out_clause(col(Person.id), "call")
    )
    return {cast(int, row[0]) for row in db.execute(query)}


def _last_refusals(db: Executor, person_ids: Sequence[int]) -> dict[int, datetime]:
    query = (
        select(col(Outcome.person_id), func.max(col(Outcome.created_at)))
        .where(
            col(Outcome.person_id).in_(person_ids),
            or_(col(Outcome.interview) == REFUSED, col(Outcome.offer) == REFUSED),
        )
        .group_by(col(Outcome.person_id))
    )
    return {person_id: at for person_id, at in db.execute(query)}


def _reached_calls(
    db: Executor, person_ids: Sequence[int], now: datetime
) -> dict[int, list[datetime]]:
    query = select(col(CallAttempt.person_id), col(CallAttempt.answered_at)).where(
        col(CallAttempt.person_id).in_(person_ids),
        col(CallAttempt.answered_at).is_not(None),
        col(CallAttempt.answered_at) > now - REACHED_SPAN,
        col(CallAttempt.result).in_([result.value for result in REACHED_RESULTS]),
    )
    found: dict[int, list[datetime]] = defaultdict(list)
    for person_id, answered_at in db.execute(query):
        if answered_at is not None:
            found[person_id].append(answered_at)
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
    rows = _contact_rows(db, ids)
    if not rows:
        return {}
    person_ids = sorted({row.person_id for row in rows})
    opted_out = _opted_out(db, person_ids)
    refusals = _last_refusals(db, person_ids)
    reached = _reached_calls(db, person_ids, now)
    return {
        row.id: ContactFacts(
            person_id=row.person_id,
            contact_id=row.id,
            territory=Territory(row.territory),
            time_zone=row.time_zone,
            opted_out=row.person_id in opted_out,
            limited=bool(row.limited),
            done=row.status == "done",
            done_reason=row.done_reason,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            callback_at=row.callback_at,
            expiry=theme_expiry(row.theme, row.theme_data),
            last_refusal_at=refusals.get(row.person_id),
            reached_calls_30d=tuple(sorted(reached.get(row.person_id, ()))),
        )
        for row in rows
    }
