"""Campaigns, the agents enabled on them, and their waves."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel, UniqueConstraint

from dialer.core.columns import json_column, utcnow


class CampaignStatus(StrEnum):
    """A campaign's life (the values are stored: never rename them)."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class MachineHandling(StrEnum):
    """What the PBX does when it answers an answering machine (stored: never rename).

    ``off`` places calls without detection (``[dialer-connect]``); the other two detect
    (``[dialer-connect-amd]``) and either hang up or leave the neutral message, which
    names no person and no health topic. The value reaches the dialplan as the
    channel variable ``MACHINE_ACTION``, checked again there.
    """

    OFF = "off"
    HANG_UP = "hangup"
    MESSAGE = "message"


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=200)
    theme: str = Field(max_length=64)  # key in dialer.contacts.themes
    audience: str = Field(max_length=32)  # Audience
    fund_id: int = Field(foreign_key="fund.id", index=True)
    caller_id: str = Field(max_length=32)  # E.164, always presented
    calling_policy: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    retry_policy: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    pacing_mode: str = Field(default="progressive", max_length=16)
    abandon_target: float = 0.03
    wrap_up_seconds: int = 30
    # An agent may search a person of the campaign and call them, inside the dialer's rules.
    manual_dial: bool = False
    answering_machine: str = Field(default=MachineHandling.OFF, max_length=16)
    status: str = Field(default=CampaignStatus.DRAFT, max_length=16)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    closed_at: NaiveDatetime | None = None


class CampaignAgent(SQLModel, table=True):
    """An agent individually enabled on a campaign by a manager."""

    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    enabled_by: str = Field(max_length=100)
    enabled_at: NaiveDatetime = Field(default_factory=utcnow)


class Wave(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    name: str = Field(max_length=200)
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    cohort: str = Field(default="all", max_length=16)  # all, remaining, filter
    cohort_filter: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    quota_per_fund: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    pacing_mode: str = Field(default="progressive", max_length=16)
    pacing_params: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="scheduled", max_length=16)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    started_at: NaiveDatetime | None = None
    stopped_at: NaiveDatetime | None = None


class WaveMember(SQLModel, table=True):
    """The cohort of a wave, fixed when it is scheduled."""

    wave_id: int = Field(foreign_key="wave.id", primary_key=True)
    contact_id: int = Field(foreign_key="campaigncontact.id", primary_key=True, index=True)
