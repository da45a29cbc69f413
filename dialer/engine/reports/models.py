"""The reports' rollup: closed hours' counts, kept so a month reads a few hundred rows.

An hour is rolled up once it is settled (``SETTLE`` after its end: calls have
ended and their outcomes are in); the hours after a campaign's watermark are
counted from the calls themselves at each read.
"""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel


class ReportHour(SQLModel, table=True):
    """One campaign's counts for one UTC hour (attempts by creation, outcomes by entry)."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    hour: NaiveDatetime = Field(primary_key=True)  # naive UTC, on the hour
    attempts: int = 0
    reached: int = 0
    first_reached: int = 0  # people reached for the first time in the campaign
    answered: int = 0
    abandoned: int = 0
    interviews_accepted: int = 0
    interviews_refused: int = 0
    offers_accepted: int = 0
    offers_refused: int = 0
    callbacks: int = 0
    opt_outs: int = 0


class ReportAgentHour(SQLModel, table=True):
    """One agent's calls, talk and wrap-up on one campaign for one UTC hour."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    hour: NaiveDatetime = Field(primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    calls: int = 0
    talk_seconds: float = 0.0
    wrap_ups: int = 0
    wrap_up_seconds: float = 0.0


class ReportWatermark(SQLModel, table=True):
    """Up to when (exclusive, naive UTC) a campaign's hours are rolled up."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    rolled_until: NaiveDatetime


class ReportAgentState(SQLModel, table=True):
    """One agent's seconds under one heading (available, on call, wrap-up, paused for one
    reason) on one campaign for one UTC hour, from the agents' state history."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    hour: NaiveDatetime = Field(primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    heading: str = Field(primary_key=True, max_length=16)
    reason: str = Field(default="", primary_key=True, max_length=100)  # pauses only
    seconds: float = 0.0
