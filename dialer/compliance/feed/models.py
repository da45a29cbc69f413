"""Result-feed events: the outbox the commissioning fund pulls or receives."""

from __future__ import annotations

from typing import Any

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel, UniqueConstraint

from dialer.core.columns import json_column, utcnow


class FeedEvent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("fund_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    seq: int
    event_id: str = Field(max_length=36, unique=True)
    kind: str = Field(max_length=32)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    outcome_id: int | None = Field(default=None, foreign_key="outcome.id", index=True)
    person_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: NaiveDatetime = Field(default_factory=utcnow)
