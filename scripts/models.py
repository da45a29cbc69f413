"""Versioned call scripts: editing one creates a new version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ScriptVersion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    theme: str = Field(max_length=64, index=True)
    campaign_id: int | None = Field(default=None, index=True)
    version: int
    body: str
    author: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=_utcnow)
