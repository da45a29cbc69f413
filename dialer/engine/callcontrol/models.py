"""What call control leaves behind: each action on a call, and agents' help requests."""

from __future__ import annotations

from enum import StrEnum

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class ControlAction(StrEnum):
    """An action on a live call (stored: never rename)."""

    HOLD = "hold"
    RESUME = "resume"
    BLIND_TRANSFER = "blind_transfer"
    ATTENDED_TRANSFER = "attended_transfer"
    CANCEL_TRANSFER = "cancel_transfer"
    COMPLETE_TRANSFER = (
        "complete_transfer"  # the agent leaves: the person stays with the destination
    )
    CONFERENCE = "conference"  # the agent calls the supervisor in (three-way)
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


class CallControlEntry(SQLModel, table=True):
    """One action asked on a call: done, or refused with its French reason."""

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="callattempt.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    actor_user_id: int = Field(foreign_key="user.id", index=True)
    action: str = Field(max_length=24)
    destination: str | None = Field(default=None, max_length=100)  # a destination's label
    refused: str | None = Field(default=None, max_length=300)
    at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class HelpRequest(SQLModel, table=True):
    """An agent's « Demander de l'aide », open until a supervisor takes it."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    attempt_id: int | None = Field(default=None, foreign_key="callattempt.id")
    requested_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    handled_at: NaiveDatetime | None = None
    handled_by: str | None = Field(default=None, max_length=100)
