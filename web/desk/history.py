"""The earlier exchanges with a person, in this campaign only (need-to-know)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.wording import Kind, label

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Exchange:
    when: str
    result: str
    outcome: str


def outcome_text(outcome: Outcome | None) -> str:
    if outcome is None:
        return "—"
    if outcome.wrong_person:
        return "Erreur de personne"
    if outcome.not_reached:
        return "Répondeur / pas la bonne personne"
    parts = []
    if outcome.interview:
        parts.append(label(Kind.INTERVIEW, outcome.interview))
    if outcome.offer:
        parts.append(label(Kind.OFFER, outcome.offer))
    if outcome.callback_at is not None:
        parts.append("rappel demandé")
    if outcome.followup_category:
        parts.append(f"demande : {outcome.followup_category}")
    return ", ".join(parts).capitalize() or "—"


def local_text(moment: datetime, time_zone: str) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return local.strftime("%d/%m/%Y %H:%M")


def earlier_exchanges(
    db: Session, person_id: int, campaign_id: int, before_attempt: int, time_zone: str
) -> list[Exchange]:
    rows = db.exec(
        select(CallAttempt, Outcome)
        .join(Outcome, col(Outcome.attempt_id) == col(CallAttempt.id), isouter=True)
        .where(
            CallAttempt.person_id == person_id,
            CallAttempt.campaign_id == campaign_id,
            col(CallAttempt.id) != before_attempt,
            col(CallAttempt.result).is_not(None),  # finished calls only
        )
        .order_by(col(CallAttempt.created_at).desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        Exchange(
            when=local_text(attempt.created_at, time_zone),
            result=label(Kind.CALL_RESULT, attempt.result) if attempt.result else "",
            outcome=outcome_text(outcome),
        )
        for attempt, outcome in rows
    ]
