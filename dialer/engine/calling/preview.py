"""Preview mode in the database: a record held for one agent, then called or skipped.

The worker claims the contact and holds an agent as in progressive mode, but marks
the attempt ``preview`` and places no call: the agent reads the record first.

- Called (``take_preview``): the attempt turns into an ordinary progressive call
  (state ``dialing``, lease renewed), once the calling window is checked again,
  since the agent may have read the record for minutes.
- Skipped (``skip_preview``): no call was placed, so no attempt is counted (as
  VICIdial's SKIP and OMniLeads do); the attempt row goes, the agent is available
  again and the contact is pending but kept back ``SKIP_DELAY``, so the agent who
  passed it gets the next record rather than the same one. The access trail keeps
  the screen pop entry (with its campaign), so the read itself stays on record.
- Held too long: the worker does not renew a preview's lease, so the hold ends
  when the lease does (``DialConfig.preview_hold_seconds``) and ``release_previews``
  gives it back like a skip. A preview whose worker died is released by another
  worker's ``release_expired_leases`` (its count of attempts then stays one too
  high) and its attempt row by the worker's next start, or by another worker once it
  is declared dead (``dialer.engine.calling.takeover``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility.windows import Clock, in_every_window
from dialer.campaigns.selection import Claim
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.contacts.territories import Territory, call_clocks, territory_of_number
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.core.errors import DomainError
from dialer.engine.agents import AgentState
from dialer.engine.calling.desk_events import Notice, PreviewExpired
from dialer.engine.calling.dialing import PlacedCall, give_back
from dialer.engine.calling.snapshot import DialTarget, dial_targets
from telephony.results import CallState

PREVIEW = "preview"  # CallAttempt.state of a record shown to its agent, not yet called
SKIP_DELAY = timedelta(minutes=2)

NOT_HELD_FR = "Cette fiche ne vous est pas (ou plus) présentée en aperçu."
EXPIRED_FR = "Le délai d'aperçu de cette fiche est dépassé : elle a été rendue."
NOT_DIALLING_FR = "La campagne ne numérote plus en ce moment : passez la fiche."
WINDOW_CLOSED_FR = "La plage d'appel de cette personne est fermée (heure locale) : passez la fiche."


class PreviewError(DomainError):
    """A preview that cannot be called or skipped now; the message is French, for the desk."""


def _held(session: Session, attempt_id: int, agent_user_id: int) -> CallAttempt:
    """The preview attempt held for this agent, or PreviewError."""
    attempt = session.get(CallAttempt, attempt_id)
    row = session.get(AgentPresence, agent_user_id)
    if (
        attempt is None
        or attempt.state != PREVIEW
        or attempt.result is not None
        or attempt.agent_user_id != agent_user_id
        or row is None
        or row.state != AgentState.RESERVED
        or row.attempt_id != attempt_id
    ):
        raise PreviewError(NOT_HELD_FR)
    return attempt


def _take(session: Session, attempt_id: int, only_if: Any) -> bool:
    """Lock the preview's row while it is still one: two processes give it back once."""
    conditions = [
        col(CallAttempt.id) == attempt_id,
        col(CallAttempt.result).is_(None),
        col(CallAttempt.state) == PREVIEW,
    ]
    if only_if is not None:
        conditions.append(only_if)
    taken = session.execute(
        update(CallAttempt)
        .where(*conditions)
        .values(state=PREVIEW)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def _lease_alive(contact: CampaignContact | None, worker_id: str, now: datetime) -> bool:
    return (
        contact is not None
        and contact.status == ContactStatus.IN_PROGRESS
        and contact.lease_owner == worker_id
        and contact.lease_expires_at is not None
        and contact.lease_expires_at > now
    )


def _target_of(session: Session, attempt: CallAttempt, now: datetime) -> DialTarget:
    for target in dial_targets(session, now):
        if (target.campaign_id, target.wave_id) == (attempt.campaign_id, attempt.wave_id):
            return target
    raise PreviewError(NOT_DIALLING_FR)


def _clocks(territory: str, time_zone: str, number: str) -> tuple[Clock, ...]:
    return call_clocks(Territory(territory), time_zone, territory_of_number(number))


def take_preview(
    engine: Engine, attempt_id: int, agent_user_id: int, worker_id: str, now: datetime,
    lease_seconds: int,
) -> tuple[DialTarget, PlacedCall]:  # fmt: skip
    """Turn the agent's preview into a call to place now; PreviewError if it cannot be."""
    with session_scope(engine) as session:
        attempt = _held(session, attempt_id, agent_user_id)
        contact = session.get(CampaignContact, attempt.contact_id)
        person = session.get(Person, attempt.person_id)
        if attempt.worker_id != worker_id or not _lease_alive(contact, worker_id, now):
            raise PreviewError(EXPIRED_FR)
        assert contact is not None
        target = _target_of(session, attempt, now)
        if person is None or not in_every_window(
            now, target.calling, _clocks(person.territory, person.time_zone, attempt.number_e164)
        ):
            raise PreviewError(WINDOW_CLOSED_FR)
        attempt.state = CallState.DIALING.value
        contact.lease_expires_at = now + timedelta(seconds=lease_seconds)
        contact.updated_at = now
        session.add_all([attempt, contact])
        claim = Claim(
            contact_id=require_id(contact), person_id=require_id(person),
            campaign_id=attempt.campaign_id, wave_id=attempt.wave_id, attempt_id=attempt_id,
            number_e164=attempt.number_e164, territory=person.territory,
            time_zone=person.time_zone,
        )  # fmt: skip
    return target, PlacedCall(claim, agent_user_id)


def skip_preview(engine: Engine, attempt_id: int, agent_user_id: int, now: datetime) -> None:
    """The agent passes the record: nothing counted, contact kept back ``SKIP_DELAY``."""
    with session_scope(engine) as session:
        attempt = _held(session, attempt_id, agent_user_id)
        give_back(
            session, attempt_id, attempt.contact_id, agent_user_id, attempt.worker_id, now,
            retry_at=now + SKIP_DELAY,
        )  # fmt: skip


def release_previews(
    engine: Engine, worker_id: str, now: datetime, *, only_expired: bool = True,
    only_if: Any = None,
) -> list[Notice]:  # fmt: skip
    """Give back a worker's previews held too long (or all of them: at its restart, or
    when another worker takes over a dead one's, with ``only_if`` re-checked per row).

    Returns the events telling each agent its record was taken back.
    """
    notices: list[Notice] = []
    with session_scope(engine) as session:
        held = session.exec(
            select(CallAttempt, CampaignContact)
            .join(CampaignContact, col(CampaignContact.id) == col(CallAttempt.contact_id))
            .where(
                CallAttempt.state == PREVIEW,
                col(CallAttempt.result).is_(None),
                CallAttempt.worker_id == worker_id,
            )
            .order_by(col(CallAttempt.id))
        ).all()
        for attempt, contact in held:
            if only_expired and _lease_alive(contact, worker_id, now):
                continue
            attempt_id, agent = require_id(attempt), attempt.agent_user_id
            if not _take(session, attempt_id, only_if):
                continue  # called, skipped or given back by another process meanwhile
            if agent is not None:
                ids = (attempt_id, attempt.contact_id, attempt.campaign_id)
                notices.append((agent, PreviewExpired(*ids)))
            give_back(session, attempt_id, attempt.contact_id, agent, worker_id, now,
                      retry_at=now + SKIP_DELAY)  # fmt: skip
    return notices
