"""The access trail: every read of a person's data, chained by hash."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.models.base import json_column, utcnow


class AccessEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100, index=True)
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=32)  # screen_pop, search, export, reveal, feed_pull, ...
    person_id: int | None = Field(default=None, index=True)
    fields: list[str] = Field(default_factory=list, sa_column=json_column())
    campaign_id: int | None = None
    attempt_id: int | None = None
    address: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=500)
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64, unique=True)
