"""Call updates from the AMI adapter turned into database state.

One transaction per batch of updates (``apply_all``; one each when a batch fails):
the attempt's telephony columns, the agent's presence and, on the final update, the
contact's next step (retry rule) and its lease. An update for an attempt that already
has its final result changes nothing, so a late or repeated update can never reopen a
finished call. Who hears of a stored update is decided in one place,
``dialer.engine.calling.routing``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.campaigns.policies import CallingPolicy, RetryPolicy
from dialer.campaigns.selection.locks import hold_after_talk, hold_for_agent, release_locks
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.core.observability.logging import bound_attempt
from dialer.engine.calling import presence
from dialer.engine.calling.rescheduling import after_call_result
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RecordedUpdate:
    """What the dialer loop needs to know once an update is stored."""

    attempt_id: int
    contact_id: int
    campaign_id: int
    agent_user_id: int | None
    connected: bool  # this update bridged the call to the agent
    ended: bool
    result: str | None


ResultListener = Callable[[int, str], None]  # (campaign id, final result)


def epoch_to_utc(value: float | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _copy_telephony(attempt: CallAttempt, update: CallUpdate) -> None:
    attempt.state = update.state.value
    # The desk hangs up through this channel; the first update that names it is enough.
    attempt.channel_id = attempt.channel_id or update.channel_id[:64] or None
    attempt.originate_reason = _int_or_none(update.reason) or attempt.originate_reason
    attempt.hangup_cause = _int_or_none(update.cause) or attempt.hangup_cause
    attempt.tech_cause = update.tech_cause[:32] or attempt.tech_cause
    attempt.amd_status = update.amd_status[:32] or attempt.amd_status
    attempt.dialed_at = attempt.dialed_at or epoch_to_utc(update.created_at)
    attempt.answered_at = epoch_to_utc(update.answered_at) or attempt.answered_at
    attempt.connected_at = epoch_to_utc(update.connected_at) or attempt.connected_at
    attempt.ended_at = epoch_to_utc(update.ended_at) or attempt.ended_at


def effective_result(result: CallResult, connected: bool) -> CallResult:
    # A person who answered and hung up before any agent was bridged was, for
    # them, abandoned: nobody will record an outcome for that call.
    if result is CallResult.ANSWERED and not connected:
        return CallResult.ABANDONED
    return result


class CallRecorder:
    """Stores every update of the dialer's calls, and closes those the PBX never had."""

    def __init__(
        self, engine: Engine, clock: Clock, *, on_result: ResultListener | None = None
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._on_result = on_result

    def apply(self, update: CallUpdate) -> RecordedUpdate | None:
        """Store one update in its own transaction; None when it changes nothing."""
        return self.apply_all([update])[0]

    def apply_all(self, updates: Sequence[CallUpdate]) -> list[RecordedUpdate | None]:
        """Store updates, in order, in one transaction: on a busy floor each transaction
        waits its turn for the database's writer, and one wait for many updates keeps the
        queue of updates short. If that transaction fails, each is stored alone, so a
        bad update costs only itself."""
        ended: list[tuple[int, str]] = []
        try:
            with session_scope(self._engine) as session:
                recorded = [self._store(session, update, ended) for update in updates]
        except Exception:
            if len(updates) == 1:
                raise
            log.warning("%s call updates stored one by one after a failed batch", len(updates))
            return [self._apply_alone(update) for update in updates]
        self._tell_results(ended)
        return recorded

    def _apply_alone(self, update: CallUpdate) -> RecordedUpdate | None:
        try:
            return self.apply(update)
        except Exception:
            log.exception("call update of attempt %s not stored", update.attempt_id)
            return None

    def _store(
        self, session: Session, update: CallUpdate, ended: list[tuple[int, str]]
    ) -> RecordedUpdate | None:
        if not update.attempt_id.isdigit():
            log.warning("call update for a foreign attempt id %r ignored", update.attempt_id)
            return None
        now = self._clock()
        with bound_attempt(update.attempt_id):
            attempt = session.get(CallAttempt, int(update.attempt_id))
            if attempt is None or attempt.result is not None:
                return None
            # By state, not by connected_at: the early pop stores connected_at first
            # (``EarlyPop``), and the bridge's effects (presence, leases) are this path's.
            was_connected = attempt.state == CallState.CONNECTED.value
            _copy_telephony(attempt, update)
            if update.result is CallResult.ENDED_WHILE_DISCONNECTED:
                # Gone from the PBX while nobody listened: its end is only known as of now.
                attempt.ended_at = now
            log.debug("call update: %s", update.state.value)
            connected = False
            if update.state is CallState.CONNECTED and not was_connected:
                connected = self._connect(session, attempt, update, now)
            elif update.state is CallState.ENDED and update.result is not None:
                self._end(session, attempt, update.result, now, ended)
            session.add(attempt)
            return _recorded(attempt, connected=connected, ended=update.state is CallState.ENDED)

    def _tell_results(self, ended: list[tuple[int, str]]) -> None:
        """Counted once stored: a rolled-back batch, stored again alone, counts once."""
        if self._on_result is not None:
            for campaign_id, result in ended:
                self._on_result(campaign_id, result)

    def close_unsent(
        self, attempt_id: int, result: CallResult, *, only_if: Any = None
    ) -> RecordedUpdate | None:
        """End an attempt the PBX will say nothing about (never sent, or lost with its worker).

        The attempt is taken by one conditional UPDATE (still open, and ``only_if``
        holds), so two processes closing it at once close it once. Returns what was
        stored, None when it was closed already.
        """
        now = self._clock()
        conditions = [col(CallAttempt.id) == attempt_id, col(CallAttempt.result).is_(None)]
        if only_if is not None:
            conditions.append(only_if)
        ended: list[tuple[int, str]] = []
        with bound_attempt(attempt_id), session_scope(self._engine) as session:
            taken = session.execute(
                sql_update(CallAttempt)
                .where(*conditions)
                .values(state=CallState.ENDED.value, ended_at=now, result=result.value)
                .execution_options(synchronize_session=False)
            )
            attempt = session.get(CallAttempt, attempt_id) if taken.rowcount == 1 else None  # type: ignore[attr-defined]
            if attempt is None:
                return None
            self._end(session, attempt, result, now, ended)
            session.add(attempt)
            recorded = _recorded(attempt, connected=False, ended=True)
        self._tell_results(ended)
        return recorded

    def _connect(
        self, session: Session, attempt: CallAttempt, update: CallUpdate, now: datetime
    ) -> bool:
        # Every call bridged to an agent was placed or handed over for one: the agent
        # is on the attempt (the PBX's AGENT is a dial string, not an account).
        agent = attempt.agent_user_id
        if agent is None:
            log.error("attempt %s bridged to an unknown agent %r", attempt.id, update.agent)
            return False
        attempt.agent_user_id = agent
        if not presence.connect_agent(session, agent, require_id(attempt), now):
            log.warning("agent %s was not waiting for attempt %s", agent, attempt.id)
        contact = session.get(CampaignContact, attempt.contact_id)
        if contact is not None and contact.status == ContactStatus.IN_PROGRESS:
            # The agent holds the contact now, for as long as the talk and the outcome
            # take: an expiring lease must not hand the person to another call meanwhile.
            contact.lease_expires_at = None
            session.add(contact)
        # Likewise the person and the number, in every campaign, even if this worker dies.
        hold_for_agent(session, require_id(attempt))
        return True

    def _end(
        self,
        session: Session,
        attempt: CallAttempt,
        result: CallResult,
        now: datetime,
        ended: list[tuple[int, str]],
    ) -> None:
        talked = attempt.connected_at is not None
        if attempt.connected_at is not None and attempt.agent_user_id is not None:
            agent, connected_at = attempt.agent_user_id, attempt.connected_at
            presence.catch_up_on_talk(session, agent, require_id(attempt), connected_at)
        final = effective_result(result, talked)
        attempt.result = final.value
        # The attempt's row is written (locked) before its outcome is looked for, as the
        # outcome locks it first: whichever comes second sees the other (outcomes.py).
        session.add(attempt)
        session.flush()
        outcome_written = _has_outcome(session, attempt)
        if not talked or outcome_written:
            # The line is free: the person and the number may be called again, anywhere.
            release_locks(session, [require_id(attempt)])
        else:
            hold_after_talk(session, require_id(attempt), now)
        if talked and attempt.agent_user_id is not None and outcome_written:
            _wrap_up_after_early_outcome(session, attempt, now)
        # Otherwise the person stays held while the agent writes the outcome, which
        # frees them, for ``OUTCOME_WRITING_HOLD`` at most (``hold_after_talk``).
        ended.append((attempt.campaign_id, final.value))
        log.info("call ended: %s (campaign %s)", final.value, attempt.campaign_id)
        if attempt.agent_user_id is not None and not talked:
            presence.release_agent(session, attempt.agent_user_id, now)
        contact = session.get(CampaignContact, attempt.contact_id)
        if contact is None or not _is_current(session, contact, attempt):
            return
        contact.last_result = final.value
        contact.last_attempt_at = contact.last_attempt_at or now
        contact.lease_owner, contact.lease_expires_at = None, None
        contact.updated_at = now
        # Once bridged, the agent talked with the person, whatever the line's ending
        # (even one lost while AMI was down): the agent's outcome decides what follows.
        if contact.status == ContactStatus.IN_PROGRESS and not talked:
            _reschedule(session, contact, attempt, final, now)
        session.add(contact)


def _recorded(attempt: CallAttempt, *, connected: bool, ended: bool) -> RecordedUpdate:
    return RecordedUpdate(
        attempt_id=require_id(attempt),
        contact_id=attempt.contact_id,
        campaign_id=attempt.campaign_id,
        agent_user_id=attempt.agent_user_id,
        connected=connected,
        ended=ended,
        result=attempt.result,
    )


def _wrap_up_after_early_outcome(session: Session, attempt: CallAttempt, now: datetime) -> None:
    """The outcome came while the person was still on the line: the wrap-up starts now."""
    campaign = session.get(Campaign, attempt.campaign_id)
    wrap_up = campaign.wrap_up_seconds if campaign is not None else 30.0
    # Only an agent still on this very call (start_wrap_up checks it) is moved.
    presence.start_wrap_up(session, attempt.agent_user_id or 0, require_id(attempt), wrap_up, now)


def _has_outcome(session: Session, attempt: CallAttempt) -> bool:
    found = session.exec(select(Outcome.id).where(Outcome.attempt_id == attempt.id)).first()
    return found is not None


def _is_current(session: Session, contact: CampaignContact, attempt: CallAttempt) -> bool:
    """Whether no later attempt of the contact was claimed since (after a lost lease)."""
    latest = session.exec(
        select(func.max(col(CallAttempt.id))).where(CallAttempt.contact_id == contact.id)
    ).one()
    return latest == attempt.id


def _reschedule(
    session: Session,
    contact: CampaignContact,
    attempt: CallAttempt,
    result: CallResult,
    now: datetime,
) -> None:
    campaign = session.get(Campaign, attempt.campaign_id)
    if campaign is None:
        return
    progress = after_call_result(
        result,
        contact.retry_counts or {},
        contact.attempts,
        CallingPolicy.model_validate(campaign.calling_policy or {}),
        RetryPolicy.model_validate(campaign.retry_policy or {}),
        now,
    )
    if progress is None:
        return  # answered: the agent's outcome decides
    contact.status = progress.status
    contact.done_reason = progress.done_reason
    contact.next_attempt_at = progress.next_attempt_at
    contact.retry_counts = progress.retry_counts
    if progress.uncounted:
        contact.attempts = max(0, contact.attempts - 1)
