"""Versioned call scripts: editing one creates a new version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ScriptVersion(SQLModel, table=True):
    __table_args__ = (
        # One number per version in a campaign's series; also serves "latest version" lookups.
        UniqueConstraint("theme", "campaign_id", "version", name="uq_script_campaign_version"),
        # NULLs are distinct in unique constraints, so the theme defaults need their own.
        Index(
            "uq_script_default_version",
            "theme",
            "version",
            unique=True,
            sqlite_where=text("campaign_id IS NULL"),
            postgresql_where=text("campaign_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    theme: str = Field(max_length=64, index=True)
    campaign_id: int | None = Field(default=None, index=True)
    version: int
    body: str
    author: str = Field(max_length=100)
    # Naive UTC like every stored datetime (SQLModel would pick a timezone-aware type).
    created_at: datetime = Field(default_factory=_utcnow, sa_type=DateTime())
