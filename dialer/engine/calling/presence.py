"""Agent presence stored in ``AgentPresence``, moved only through the pure state machine.

Each function applies one event of ``dialer.engine.agents`` to one agent's row inside the
caller's session (the caller owns the transaction). ``reserve_agent`` is the one
place where two dialer workers could race for the same agent: it takes the agent
with a conditional UPDATE, so exactly one of them wins on SQLite and PostgreSQL.

An agent's phone is the endpoint on their account (``dialer.engine.calling.agent_lines``):
an agent without one cannot become available, since no call could reach them.

Every write of a state below ends in ``_noted``, which appends the change to the
agents' state history (``dialer.accounts.state_history``) in the same transaction:
the reports' pauses and occupancy are computed from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence, User
from dialer.accounts.phones import NO_PHONE_FR
from dialer.accounts.state_history import record_state
from dialer.campaigns.models import CampaignAgent
from dialer.core.errors import DomainError
from dialer.engine.agents import AgentEvent, AgentState, AgentStatus, IllegalTransition, transition


class PresenceError(DomainError):
    """An agent action that cannot be done now; the message is French, for the desk."""


def status_of(row: AgentPresence) -> AgentStatus:
    return AgentStatus(AgentState(row.state), row.since, row.pause_reason, row.wrap_up_until)


def _noted(
    session: Session, user_id: int | None, campaign_id: int | None, state: str, since: datetime,
    pause_reason: str | None = None,
) -> None:  # fmt: skip
    """The one place a state change reaches the history; called once the change is written."""
    if user_id is not None:
        record_state(session, user_id, campaign_id, state, since, pause_reason)


def _store(row: AgentPresence, status: AgentStatus) -> None:
    row.state = status.state.value
    row.since = status.since
    row.pause_reason = status.pause_reason
    row.wrap_up_until = status.wrap_up_until


def _apply(
    row: AgentPresence,
    event: AgentEvent,
    now: datetime,
    *,
    wrap_up_seconds: float = 30.0,
    pause_reason: str | None = None,
) -> None:
    try:
        status = transition(
            status_of(row), event, now, wrap_up_seconds=wrap_up_seconds, pause_reason=pause_reason
        )
    except IllegalTransition as error:
        raise PresenceError(str(error)) from error
    _store(row, status)


STALE_FR = "L'état du poste vient de changer (un appel arrive ?) : réessayez."


def _move(session: Session, row: AgentPresence, event: AgentEvent, now: datetime,
          **values: Any) -> None:  # fmt: skip
    """Apply a desk's event only if the row still holds the state the desk read.

    The desk reads the row, then writes it; a worker may hold the agent for a call
    in between. A plain ORM write would put the desk's result over the worker's (an
    agent on a call made available again, then given a second call): a conditional
    UPDATE, as ``reserve_agent``'s, lets the newer state win and tells the desk.
    """
    before = (row.state, row.since)
    campaign_id = row.campaign_id  # logging out: the history names the campaign left
    _apply(row, event, now, pause_reason=values.pop("pause_reason", None))
    after = (row.user_id, campaign_id, row.state, row.since, row.pause_reason)
    if row.user_id is None or row not in session or row in session.new:
        session.flush()  # a row this session creates: nobody else wrote it
        _noted(session, *after)
        return
    changes = {"state": row.state, "since": row.since, "pause_reason": row.pause_reason,
               "wrap_up_until": row.wrap_up_until, **values}  # fmt: skip
    session.expire(row)  # drop the ORM's own write of the stale row
    taken = session.execute(
        update(AgentPresence)
        .where(
            col(AgentPresence.user_id) == row.user_id,
            col(AgentPresence.state) == before[0],
            col(AgentPresence.since) == before[1],
        )  # fmt: skip
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    session.expire(row)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise PresenceError(STALE_FR)
    _noted(session, *after)


def presence_of(session: Session, user_id: int) -> AgentPresence:
    row = session.get(AgentPresence, user_id)
    if row is None:
        row = AgentPresence(user_id=user_id)
        session.add(row)
    return row


def log_in(session: Session, user_id: int, campaign_id: int, now: datetime) -> AgentPresence:
    """Join a campaign the agent is enabled on; the agent starts paused, as the desk shows."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PresenceError("Compte agent inconnu ou désactivé.")
    enabled = session.exec(
        select(CampaignAgent).where(
            CampaignAgent.campaign_id == campaign_id, CampaignAgent.user_id == user_id
        )
    ).first()
    if enabled is None:
        raise PresenceError("Vous n'êtes pas habilité(e) sur cette campagne.")
    row = presence_of(session, user_id)
    if row.state != AgentState.LOGGED_OUT:
        raise PresenceError(
            "Déconnectez-vous de la campagne en cours avant d'en rejoindre une autre."
        )
    _apply(row, AgentEvent.LOG_IN, now)
    row.campaign_id, row.attempt_id = campaign_id, None
    session.flush()
    _noted(session, user_id, campaign_id, row.state, row.since, row.pause_reason)
    return row


def make_available(session: Session, user_id: int, now: datetime) -> AgentPresence:
    user = session.get(User, user_id)
    if user is None or not user.phone_endpoint:
        raise PresenceError(NO_PHONE_FR)
    row = presence_of(session, user_id)
    _move(session, row, AgentEvent.MAKE_AVAILABLE, now, attempt_id=None)
    return row


def pause(session: Session, user_id: int, reason: str, now: datetime) -> AgentPresence:
    row = presence_of(session, user_id)
    _move(session, row, AgentEvent.PAUSE, now, pause_reason=reason)
    return row


def log_out(session: Session, user_id: int, now: datetime) -> AgentPresence:
    row = presence_of(session, user_id)
    _move(session, row, AgentEvent.LOG_OUT, now, campaign_id=None, attempt_id=None)
    return row


def reserve_agent(
    session: Session, campaign_id: int, now: datetime, worker_id: str | None = None
) -> int | None:
    """Hold the agent available the longest on the campaign; its user id, or None."""
    candidates = session.exec(
        select(AgentPresence.user_id)
        .where(
            AgentPresence.campaign_id == campaign_id,
            AgentPresence.state == AgentState.AVAILABLE.value,
        )
        .order_by(col(AgentPresence.since), col(AgentPresence.user_id))
        .limit(5)
    ).all()
    for user_id in candidates:
        taken = session.execute(
            update(AgentPresence)
            .where(
                col(AgentPresence.user_id) == user_id,
                col(AgentPresence.state) == AgentState.AVAILABLE.value,
            )
            .values(state=AgentState.RESERVED.value, since=now, worker_id=worker_id)
            .execution_options(synchronize_session=False)
        )
        # Another worker may have taken this agent since the SELECT: only the UPDATE
        # that still finds it available wins (the machine's AVAILABLE -> RESERVED).
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            _noted(session, user_id, campaign_id, AgentState.RESERVED.value, now)
            return user_id
    return None


NOT_READY_FR = "Mettez-vous en pause ou rendez-vous disponible avant d'appeler une personne."


def reserve_for_manual_dial(
    session: Session, user_id: int, campaign_id: int, now: datetime, worker_id: str
) -> None:
    """Hold this agent for the call they place by hand; PresenceError when they cannot.

    A paused agent who chooses to call becomes available first (the machine's
    PAUSED -> AVAILABLE -> RESERVED): once the call is over they take calls again.
    The hold is the same conditional UPDATE as ``reserve_agent``'s, so a worker that
    gave the agent a call meanwhile wins and the agent is told.
    """
    row = presence_of(session, user_id)
    if row.campaign_id != campaign_id or row.state not in (
        AgentState.AVAILABLE, AgentState.PAUSED,
    ):  # fmt: skip
        raise PresenceError(NOT_READY_FR)
    if row.state == AgentState.PAUSED:
        make_available(session, user_id, now)
    session.flush()
    taken = session.execute(
        update(AgentPresence)
        .where(
            col(AgentPresence.user_id) == user_id,
            col(AgentPresence.campaign_id) == campaign_id,
            col(AgentPresence.state) == AgentState.AVAILABLE.value,
        )
        .values(state=AgentState.RESERVED.value, since=now, worker_id=worker_id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise PresenceError(STALE_FR)
    _noted(session, user_id, campaign_id, AgentState.RESERVED.value, now)


def assign_call(session: Session, user_id: int, attempt_id: int) -> None:
    """Tie a reserved agent to the attempt it was held for."""
    row = presence_of(session, user_id)
    row.attempt_id = attempt_id
    session.flush()


def release_agent(session: Session, user_id: int, now: datetime) -> bool:
    """A held agent whose call did not reach anyone goes back to available."""
    row = session.get(AgentPresence, user_id)
    if row is None or row.state != AgentState.RESERVED:
        return False
    _apply(row, AgentEvent.RELEASE, now)
    row.attempt_id = None
    session.flush()
    _noted(session, user_id, row.campaign_id, row.state, row.since)
    return True


def release_held(session: Session, worker_id: str, now: datetime, *only_if: Any) -> list[int]:
    """Agents a worker still holds with no call to show for it (it died): available.

    Each agent is taken by a conditional UPDATE (still reserved by that worker, and
    ``only_if``), so a sweep racing with another, or with a reservation, changes
    nothing it should not.
    """
    held = session.exec(
        select(AgentPresence.user_id, AgentPresence.campaign_id).where(
            AgentPresence.worker_id == worker_id,
            AgentPresence.state == AgentState.RESERVED.value,
        )
    ).all()
    freed = transition(AgentStatus(AgentState.RESERVED, now), AgentEvent.RELEASE, now)
    released = []
    for user_id, campaign_id in held:
        taken = session.execute(
            update(AgentPresence)
            .where(
                col(AgentPresence.user_id) == user_id,
                col(AgentPresence.worker_id) == worker_id,
                col(AgentPresence.state) == AgentState.RESERVED.value,
                *only_if,
            )
            .values(state=freed.state.value, since=freed.since, attempt_id=None)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            _noted(session, user_id, campaign_id, freed.state.value, freed.since)
            released.append(user_id)
    return released


def connect_agent(session: Session, user_id: int, attempt_id: int, now: datetime) -> bool:
    """The call is bridged to the agent; False when the agent was not waiting for it."""
    row = session.get(AgentPresence, user_id)
    if row is None or row.state not in (AgentState.RESERVED, AgentState.AVAILABLE):
        return False
    _apply(row, AgentEvent.CONNECT, now)
    row.attempt_id = attempt_id
    session.flush()
    _noted(session, user_id, row.campaign_id, row.state, row.since)
    return True


def catch_up_on_talk(
    session: Session, user_id: int, attempt_id: int, connected_at: datetime
) -> None:
    """An agent still held for a call that was bridged to them goes on it, as of the bridge.

    The early pop stores the bridge's moment before the recorder moves the agent: a
    worker killed in between leaves an agent who talked still "reserved". Left so, the
    outcome would not start their wrap-up and a sweep would free them while they write.
    """
    row = session.get(AgentPresence, user_id)
    if row is None or row.state != AgentState.RESERVED or row.attempt_id != attempt_id:
        return
    _apply(row, AgentEvent.CONNECT, connected_at)
    session.flush()
    _noted(session, user_id, row.campaign_id, row.state, row.since)


def start_wrap_up(
    session: Session, user_id: int, attempt_id: int, wrap_up_seconds: float, now: datetime
) -> None:
    """The outcome is recorded: the agent wraps up for the campaign's wrap-up time."""
    row = session.get(AgentPresence, user_id)
    if row is None or row.attempt_id != attempt_id:
        return
    if row.state == AgentState.ON_CALL:
        _apply(row, AgentEvent.HANG_UP, now, wrap_up_seconds=wrap_up_seconds)
        _noted(session, user_id, row.campaign_id, row.state, row.since)
    row.attempt_id = None
    session.flush()


def settle_wrap_ups(session: Session, now: datetime) -> int:
    """Agents whose wrap-up time is over become available (as of when it ended)."""
    rows = session.exec(
        select(AgentPresence).where(
            AgentPresence.state == AgentState.WRAP_UP.value,
            col(AgentPresence.wrap_up_until) <= now,
        )
    ).all()
    for row in rows:
        until = row.wrap_up_until or now
        _apply(row, AgentEvent.WRAP_UP_EXPIRED, until)
        _noted(session, row.user_id, row.campaign_id, row.state, row.since)
    session.flush()
    return len(rows)
