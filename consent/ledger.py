"""The contact-authorisation ledger: append-only writes and the queries the dialer needs.

Nothing here commits: the caller owns the transaction, so a call outcome and the
consent change it carries are saved together or not at all. Entries are never updated
or deleted through this module; a change of mind is a new entry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, exists, select, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from consent.errors import ConsentError
from consent.models import ConsentEntry
from consent.state import ConsentState, derive_state
from consent.vocabulary import Channel, Decision, Source

# Clocks of the machines feeding the ledger drift a little; beyond that, a decision
# dated in the future would silently override every real decision until then.
CLOCK_TOLERANCE = timedelta(minutes=5)
TEXT_LIMIT = 100


_Term = TypeVar("_Term", Channel, Decision, Source)


def _vocabulary(kind: type[_Term], value: str, label: str) -> _Term:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ConsentError(f"{label} inconnu(e) : {value!r} (attendu : {allowed}).") from None


def _text(value: str | None, label: str, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise ConsentError(f"{label} est obligatoire.")
        return None
    if len(cleaned) > TEXT_LIMIT:
        raise ConsentError(f"{label} dépasse {TEXT_LIMIT} caractères.")
    return cleaned


def _naive_utc(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    if at > now + CLOCK_TOLERANCE:
        raise ConsentError("La date de la décision ne peut pas être dans le futur.")
    return at


def record(
    session: Session,
    person_id: int,
    channel: Channel | str,
    decision: Decision | str,
    source: Source | str,
    author: str,
    reference: str | None = None,
    at: datetime | None = None,
    *,
    now: datetime | None = None,
) -> ConsentEntry:
    """Append one decision and flush it (no commit). ``at`` defaults to now, naive UTC."""
    if isinstance(person_id, bool) or not isinstance(person_id, int) or person_id <= 0:
        raise ConsentError(f"Identifiant de personne invalide : {person_id!r}.")
    current = now or datetime.now(UTC).replace(tzinfo=None)
    entry = ConsentEntry(
        person_id=person_id,
        channel=_vocabulary(Channel, channel, "Canal").value,
        decision=_vocabulary(Decision, decision, "Décision").value,
        source=_vocabulary(Source, source, "Origine").value,
        author=_text(author, "L'auteur", required=True) or "",
        reference=_text(reference, "La référence", required=False),
        at=_naive_utc(at, current),
    )
    session.add(entry)
    session.flush()
    return entry


def history(session: Session, person_id: int) -> list[ConsentEntry]:
    """Every decision about a person, oldest first (for the rights-of-access answer)."""
    query = (
        select(ConsentEntry)
        .where(col(ConsentEntry.person_id) == person_id)
        .order_by(col(ConsentEntry.at), col(ConsentEntry.id))
    )
    return list(session.scalars(query))


def current_state(session: Session, person_id: int) -> ConsentState:
    return derive_state(history(session, person_id))


def is_opted_out(session: Session, person_id: int, channel: Channel | str = Channel.CALL) -> bool:
    latest = (
        select(col(ConsentEntry.decision))
        .where(
            col(ConsentEntry.person_id) == person_id,
            col(ConsentEntry.channel) == Channel(channel).value,
        )
        .order_by(col(ConsentEntry.at).desc(), col(ConsentEntry.id).desc())
        .limit(1)
    )
    return bool(session.scalar(latest) == Decision.OPT_OUT.value)


def _opted_out_where(channel: Channel | str) -> tuple[Any, list[ColumnElement[bool]]]:
    """An alias of the ledger and the conditions making one of its rows a live opt-out."""
    entry = aliased(ConsentEntry, name="consent_latest")
    newer = aliased(ConsentEntry, name="consent_newer")
    superseded = exists().where(
        col(newer.person_id) == col(entry.person_id),
        col(newer.channel) == col(entry.channel),
        tuple_(col(newer.at), col(newer.id)) > tuple_(col(entry.at), col(entry.id)),
    )
    conditions = [
        col(entry.channel) == Channel(channel).value,
        col(entry.decision) == Decision.OPT_OUT.value,
        ~superseded,
    ]
    return entry, conditions


def opted_out_person_ids(channel: Channel | str = Channel.CALL) -> Select[tuple[int]]:
    """Ids of the people whose latest decision on ``channel`` is opt-out, once each.

    Starts from the opt-out rows (``ix_consent_decision``) and drops those superseded by
    a later decision (one probe of ``ix_consent_latest`` each), so its cost follows the
    number of opt-outs, not the size of the ledger. Use as
    ``CampaignContact.person_id.not_in(opted_out_person_ids())``.
    """
    entry, conditions = _opted_out_where(channel)
    return select(col(entry.person_id)).where(*conditions)


def opted_out_clause(
    person_id: ColumnElement[int] | Any, channel: Channel | str = Channel.CALL
) -> ColumnElement[bool]:
    """A correlated ``EXISTS`` true when ``person_id``'s latest decision is opt-out.

    Cheaper than ``opted_out_person_ids`` when the outer query reads only a small batch
    of candidates: two index probes per candidate. Use as ``~opted_out_clause(...)``.
    """
    entry, conditions = _opted_out_where(channel)
    return exists().where(col(entry.person_id) == person_id, *conditions)
