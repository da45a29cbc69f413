"""Calls an earlier life of this worker left open, kept for as long as the PBX has them.

A worker killed (or stopped with calls still live) leaves attempts without a result.
At its next start it adopts each of them into the AMI adapter before logging in;
the login's reconciliation asks the PBX (CoreShowChannels) what is still up. The
calls it still has are followed until it reports them gone (their channel's
Hangup), their agents busy and their leases renewed meanwhile; the others end at
once ``ended_while_disconnected``, whose retry rule brings the person back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.core.columns import require_id
from dialer.core.db import session_scope
from dialer.engine.calling.agent_lines import AgentLineError, line_in_session
from dialer.engine.calling.preview import PREVIEW
from dialer.engine.calling.worker import DialerWorker
from telephony.ami.client import AmiClient
from telephony.ami.frames import AgentTemplate
from telephony.results import CallState


@dataclass(frozen=True)
class Orphan:
    attempt_id: int
    contact_id: int
    agent_user_id: int | None
    agent_line: str  # the agent's dial string, "" when none (or no longer dialable)
    state: CallState
    created_at: datetime
    answered_at: datetime | None
    connected_at: datetime | None


def _state(text: str) -> CallState:
    try:
        return CallState(text)
    except ValueError:
        return CallState.DIALING


def _line(session: Session, template: AgentTemplate, user_id: int | None) -> str:
    if user_id is None:
        return ""
    try:
        return line_in_session(session, template, user_id)
    except AgentLineError:
        return ""


def orphans_of(engine: Engine, worker_id: str, template: AgentTemplate) -> list[Orphan]:
    """The worker's attempts without a result (previews aside: they placed no call)."""
    with session_scope(engine) as session:
        attempts = session.exec(
            select(CallAttempt)
            .where(
                CallAttempt.worker_id == worker_id,
                col(CallAttempt.result).is_(None),
                CallAttempt.state != PREVIEW,
            )
            .order_by(col(CallAttempt.id))
        ).all()
        return [
            Orphan(
                attempt_id=require_id(a),
                contact_id=a.contact_id,
                agent_user_id=a.agent_user_id,
                agent_line=_line(session, template, a.agent_user_id),
                state=_state(a.state),
                created_at=a.dialed_at or a.created_at,
                answered_at=a.answered_at,
                connected_at=a.connected_at,
            )  # fmt: skip
            for a in attempts
        ]


def _epoch(value: datetime | None) -> float | None:
    return None if value is None else value.replace(tzinfo=UTC).timestamp()


def adopt_orphans(
    client: AmiClient, worker: DialerWorker, orphans: list[Orphan], now: datetime
) -> None:
    """Follow the orphans again; call before ``client.start`` so its login checks them."""
    for orphan in orphans:
        client.adopt(
            str(orphan.attempt_id), orphan.state, orphan.agent_line,
            _epoch(orphan.created_at) or 0.0, _epoch(orphan.answered_at),
            _epoch(orphan.connected_at),
        )  # fmt: skip
        worker.adopt(orphan.attempt_id, orphan.contact_id, orphan.connected_at is not None, now)
