"""Writing feed events in the caller's transaction, numbered without gaps per fund.

The numbering takes the fund's ``FundFeed`` row with an ``UPDATE ... RETURNING``:
on PostgreSQL that holds the row lock until the caller commits (the same lock as
``SELECT ... FOR UPDATE``), on SQLite the write transaction is already serialised.
A second emitter therefore waits for the first to commit or roll back, so numbers
are never duplicated, never skipped, and become visible in their own order: a
reader paging by ``seq`` can never step over an event committed later.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from dialer.campaigns.attempts import Outcome
from dialer.compliance.feed.kinds import EVENT_KEYS, EventKind
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.feed.subject import Subject, load_subject
from dialer.contacts.funds import FundFeed
from dialer.core.columns import utcnow

Draft = tuple[EventKind, dict[str, Any]]


class _Refs(NamedTuple):
    campaign_id: int | None
    outcome_id: int | None
    person_id: int | None


def iso_utc(at: datetime) -> str:
    """A naive UTC datetime as the ISO 8601 text with ``Z`` the fund reads."""
    return at.isoformat() + "Z"


def emit_outcome_events(session: Session, outcome: Outcome, fund_id: int) -> list[FeedEvent]:
    """Every event an outcome means for its fund, added to ``session`` (the caller commits)."""
    if outcome.id is None:
        session.flush()
    subject = load_subject(session, outcome.person_id, outcome.campaign_id)
    drafts = outcome_drafts(outcome)
    for kind, fields in drafts:
        if kind is EventKind.CONTACT_CHANGE:
            subject.check_field(fields["field"])
    refs = _Refs(outcome.campaign_id, outcome.id, outcome.person_id)
    return _write(session, fund_id, subject, drafts, refs, outcome.created_at)


def emit_event(
    session: Session,
    fund_id: int,
    kind: EventKind | str,
    payload: dict[str, Any],
    *,
    campaign_id: int | None,
    person_id: int,
    outcome_id: int | None = None,
    occurred_at: datetime | None = None,
) -> FeedEvent:
    """One event from elsewhere (a rectification, an opt-out from a rights request...)."""
    checked_kind = EventKind(kind)
    unknown = set(payload) - set(EVENT_KEYS)
    if unknown:
        raise ValueError(f"payload keys not allowed in a feed event: {sorted(unknown)}")
    subject = load_subject(session, person_id, campaign_id)
    if "field" in payload:
        subject.check_field(str(payload["field"]))
    at = occurred_at or utcnow()
    draft: Draft = (checked_kind, dict(payload))
    refs = _Refs(campaign_id, outcome_id, person_id)
    (event,) = _write(session, fund_id, subject, [draft], refs, at)
    return event


def outcome_drafts(outcome: Outcome) -> list[Draft]:
    """The events of one outcome, in the order the fund should process them."""
    drafts: list[Draft] = []
    if outcome.wrong_person:
        drafts.append((EventKind.WRONG_PERSON, {}))
    if outcome.interview:
        drafts.append((EventKind(f"interview_{outcome.interview}"), {}))
    if outcome.offer:
        drafts.append((EventKind(f"offer_{outcome.offer}"), {}))
    if outcome.followup_category or outcome.followup_text:
        text = {"category": outcome.followup_category, "text": outcome.followup_text}
        drafts.append((EventKind.FOLLOWUP_REQUEST, text))
    for name, value in sorted((outcome.contact_changes or {}).items()):
        drafts.append((EventKind.CONTACT_CHANGE, {"field": name, "value": value}))
    for channel, decision in sorted((outcome.consent_changes or {}).items()):
        change = {"channel": channel, "decision": decision, "source": "call_outcome"}
        drafts.append((EventKind.CONSENT_CHANGE, change))
    if outcome.callback_at is not None:
        callback = {"callback_at": iso_utc(outcome.callback_at)}
        drafts.append((EventKind.CALLBACK_REQUESTED, callback))
    return drafts


def _write(
    session: Session,
    fund_id: int,
    subject: Subject,
    drafts: list[Draft],
    refs: _Refs,
    occurred_at: datetime,
) -> list[FeedEvent]:
    if not drafts:
        return []
    first = allocate_seqs(session, fund_id, len(drafts))
    envelope = subject.envelope(iso_utc(occurred_at))
    events = [
        FeedEvent(
            fund_id=fund_id,
            seq=first + index,
            event_id=str(uuid.uuid4()),
            kind=kind.value,
            campaign_id=refs.campaign_id,
            outcome_id=refs.outcome_id,
            person_id=refs.person_id,
            payload={**envelope, **fields},
        )
        for index, (kind, fields) in enumerate(drafts)
    ]
    session.add_all(events)
    session.flush()
    return events


def allocate_seqs(session: Session, fund_id: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers for ``fund_id``; returns the first one."""
    last = _bump(session, fund_id, count)
    if last is None:  # the fund's very first event
        _ensure_feed_row(session, fund_id)
        last = _bump(session, fund_id, count)
    if last is None:
        raise RuntimeError(f"no result-feed row for fund {fund_id}")
    return last - count + 1


def _bump(session: Session, fund_id: int, count: int) -> int | None:
    last = session.execute(
        update(FundFeed)
        .where(col(FundFeed.fund_id) == fund_id)
        .values(last_seq=col(FundFeed.last_seq) + count, updated_at=utcnow())
        .returning(col(FundFeed.last_seq))
    ).scalar_one_or_none()
    return None if last is None else int(last)


def _ensure_feed_row(session: Session, fund_id: int) -> None:
    # Two first events of a fund may race to create its row: whoever loses does nothing.
    dialect = session.get_bind().dialect.name
    values = {"fund_id": fund_id, "last_seq": 0, "pushed_seq": 0, "updated_at": utcnow()}
    values |= {"failed_tries": 0, "stalled": False}
    table = FundFeed.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        statement: Any = pg_insert(table).values(values).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(table).values(values).on_conflict_do_nothing()
    session.execute(statement)
