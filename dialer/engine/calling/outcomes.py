"""Recording what an agent learnt on a call: the outcome, consent, contact details.

Everything goes in the caller's transaction: the Outcome row, the consent ledger
entries (source ``call_outcome``), the person's new contact details, the
contact's next step and the agent's wrap-up are saved together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from consent import ledger
from consent.vocabulary import Source
from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.policies import RetryPolicy
from dialer.campaigns.selection.locks import release_locks
from dialer.compliance.feed.outbox import emit_outcome_events
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.core.columns import require_id, utcnow
from dialer.core.errors import Conflict, DomainError, NotFound
from dialer.engine.calling import presence
from dialer.engine.calling.outcome_input import (
    ACCEPTED,
    REFUSED,
    CheckedOutcome,
    OutcomeInput,
    check_outcome,
)
from dialer.engine.calling.rescheduling import (
    CALLBACK,
    MACHINE,
    WRONG_PERSON,
    ContactProgress,
    retry_or_finish,
)

# Outcome field -> Person column a contact change rewrites.
_PERSON_COLUMNS = {
    "phone": "phone_e164",
    "phone2": "phone2_e164",
    "email": "email",
    "address_line": "address_line",
    "postal_code": "postal_code",
    "city": "city",
}


def contact_after_outcome(
    outcome: CheckedOutcome, retry_counts: dict[str, int], policy: RetryPolicy, now: datetime
) -> ContactProgress:
    """Done with the reason the fund reads, or pending until the asked callback."""
    if outcome.not_reached:
        # The agent heard a machine (or someone else): retried as the PBX's machines are.
        return retry_or_finish(MACHINE, retry_counts, policy, now)
    if outcome.wrong_person:
        return retry_or_finish(WRONG_PERSON, retry_counts, policy, now)
    if outcome.interview == REFUSED:
        return ContactProgress(
            ContactStatus.DONE, "interview_refused", retry_counts=dict(retry_counts)
        )
    if outcome.offer == ACCEPTED:
        return ContactProgress(
            ContactStatus.DONE, "offer_accepted", retry_counts=dict(retry_counts)
        )
    if outcome.offer == REFUSED:
        return ContactProgress(ContactStatus.DONE, "offer_refused", retry_counts=dict(retry_counts))
    if outcome.callback_at is not None:
        return retry_or_finish(CALLBACK, retry_counts, policy, now, outcome.callback_at)
    return ContactProgress(ContactStatus.DONE, "offer_answered", retry_counts=dict(retry_counts))


def record_outcome(
    session: Session,
    attempt_id: int,
    agent_user_id: int,
    form: OutcomeInput,
    *,
    now: datetime | None = None,
    handed_over: bool = False,
) -> Outcome:
    """Store the agent's outcome of one answered call; DomainError (French) if it cannot be.

    ``handed_over``: the person was transferred and talks with the destination
    (``dialer.engine.callcontrol.journal.handed_over``).
    """
    at = now or utcnow()
    # Locked first, as the recorder's end locks it first: whichever of the outcome and
    # the call's end comes second sees the other, and frees the person (no lock left).
    attempt = session.get(CallAttempt, attempt_id, with_for_update=True, populate_existing=True)
    if attempt is None:
        raise NotFound("Appel introuvable.")
    if attempt.agent_user_id != agent_user_id:
        raise DomainError("Cet appel n'a pas été confié à cet agent.")
    if session.exec(select(Outcome).where(Outcome.attempt_id == attempt_id)).first():
        raise Conflict("Le résultat de cet appel est déjà enregistré.")
    person = session.get(Person, attempt.person_id)
    contact = session.get(CampaignContact, attempt.contact_id)
    campaign = session.get(Campaign, attempt.campaign_id)
    if person is None or contact is None or campaign is None:
        raise NotFound("La fiche de cet appel n'existe plus.")
    checked = check_outcome(form, person.time_zone, at)
    outcome = _outcome_row(attempt, agent_user_id, checked, at)
    session.add(outcome)
    _write_consent(
        session, require_id(person), checked, _author(session, agent_user_id), attempt_id, at
    )
    _apply_contact_changes(person, checked, at)
    _apply_progress(contact, checked, RetryPolicy.model_validate(campaign.retry_policy or {}), at)
    session.add_all([person, contact])
    # SQLite ignores FOR UPDATE: once the outcome is written this transaction holds the
    # database's write lock, so a fresh read tells whether the call ended meanwhile.
    session.flush()
    session.refresh(attempt)
    if attempt.result is not None:
        # The call is over and its outcome known: other campaigns may call the person.
        presence.start_wrap_up(session, agent_user_id, attempt_id, campaign.wrap_up_seconds, at)
        release_locks(session, [attempt_id])
    elif handed_over:
        # The person talks with a transfer's destination: the agent's part is over, the
        # person's call is not (no other campaign calls them until it ends).
        presence.start_wrap_up(session, agent_user_id, attempt_id, campaign.wrap_up_seconds, at)
    # Otherwise the person is still on the line: the agent stays on the call, so no
    # second call reaches their phone, and the call's end starts the wrap-up.
    session.flush()
    # Same transaction as the outcome (outbox): the fund gets exactly what was recorded.
    emit_outcome_events(session, outcome, campaign.fund_id)
    return outcome


def _outcome_row(
    attempt: CallAttempt, agent_user_id: int, checked: CheckedOutcome, at: datetime
) -> Outcome:
    return Outcome(
        attempt_id=attempt.id,
        contact_id=attempt.contact_id,
        campaign_id=attempt.campaign_id,
        person_id=attempt.person_id,
        agent_user_id=agent_user_id,
        interview=checked.interview,
        offer=checked.offer,
        wrong_person=checked.wrong_person,
        not_reached=checked.not_reached,
        followup_category=checked.followup_category,
        followup_text=checked.followup_text,
        contact_changes=dict(checked.contact_changes),
        consent_changes=dict(checked.consent_changes),
        callback_at=checked.callback_at,
        script_version_id=checked.script_version_id,
        created_at=at,
    )


def _author(session: Session, agent_user_id: int) -> str:
    user = session.get(User, agent_user_id)
    return user.username if user is not None else f"agent-{agent_user_id}"


def _write_consent(
    session: Session,
    person_id: int,
    checked: CheckedOutcome,
    author: str,
    attempt_id: int,
    at: datetime,
) -> None:
    for channel, decision in checked.consent_changes.items():
        ledger.record(
            session,
            person_id,
            channel,
            decision,
            Source.CALL_OUTCOME,
            author,
            reference=f"appel {attempt_id}",
            at=at,
            now=at,
        )


def _apply_contact_changes(person: Person, checked: CheckedOutcome, at: datetime) -> None:
    # The person told us their new details themselves: the next call uses them, and the
    # fund learns of the change through the outcome's contact_changes.
    for name, value in checked.contact_changes.items():
        setattr(person, _PERSON_COLUMNS[name], value)
    person.last_activity_at = at
    if checked.contact_changes:
        person.updated_at = at


def _apply_progress(
    contact: CampaignContact, checked: CheckedOutcome, policy: RetryPolicy, at: datetime
) -> None:
    progress = contact_after_outcome(checked, dict(contact.retry_counts or {}), policy, at)
    contact.status = progress.status
    contact.done_reason = progress.done_reason
    contact.next_attempt_at = progress.next_attempt_at
    contact.callback_at = progress.callback_at
    contact.retry_counts = progress.retry_counts
    contact.lease_owner, contact.lease_expires_at = None, None
    contact.updated_at = at
