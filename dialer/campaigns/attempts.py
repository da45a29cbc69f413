"""Call attempts placed through the PBX, and the outcomes agents record."""

from __future__ import annotations

from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from dialer.core.columns import json_column, utcnow


class CallAttempt(SQLModel, table=True):
    # Reports read one campaign's attempts over a date range.
    __table_args__ = (Index("ix_attempt_campaign_created", "campaign_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    contact_id: int = Field(foreign_key="campaigncontact.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    worker_id: str = Field(max_length=64)
    number_e164: str = Field(max_length=20)
    channel_id: str | None = Field(default=None, max_length=64, index=True)
    action_id: str | None = Field(default=None, max_length=64)
    agent_user_id: int | None = Field(default=None, foreign_key="user.id")
    state: str = Field(default="dialing", max_length=16)  # telephony CallState
    result: str | None = Field(default=None, max_length=32)  # telephony CallResult
    originate_reason: int | None = None
    hangup_cause: int | None = None
    tech_cause: str | None = Field(default=None, max_length=32)
    amd_status: str | None = Field(default=None, max_length=32)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    dialed_at: NaiveDatetime | None = None
    answered_at: NaiveDatetime | None = None
    connected_at: NaiveDatetime | None = None
    ended_at: NaiveDatetime | None = None


class Outcome(SQLModel, table=True):
    """What the agent recorded after talking (or trying to talk) to the person."""

    __table_args__ = (Index("ix_outcome_campaign_created", "campaign_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int | None = Field(default=None, foreign_key="callattempt.id", index=True)
    contact_id: int = Field(foreign_key="campaigncontact.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    agent_user_id: int | None = Field(default=None, foreign_key="user.id")
    interview: str | None = Field(default=None, max_length=16)  # accepted, refused
    offer: str | None = Field(default=None, max_length=16)  # accepted, refused
    wrong_person: bool = False
    # « Répondeur / pas la bonne personne »: the line answered, the person was not reached.
    not_reached: bool = False
    followup_category: str | None = Field(default=None, max_length=64)
    followup_text: str | None = Field(default=None, max_length=2000)
    contact_changes: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    consent_changes: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    callback_at: NaiveDatetime | None = None
    script_version_id: int | None = Field(default=None, foreign_key="scriptversion.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
