"""Local funds (CPAM, CGSS, CSS) that commission campaigns and receive results."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class Fund(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=32)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=8)  # FundKind
    territory: str = Field(max_length=32)  # Territory
    time_zone: str = Field(max_length=64)
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret_cipher: str | None = Field(default=None, max_length=500)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class FundToken(SQLModel, table=True):
    """An API token a fund pulls its results with; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    label: str = Field(default="", max_length=200)
    token_hash: str = Field(index=True, unique=True, max_length=128)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None
    last_used_at: NaiveDatetime | None = None


class FundFeed(SQLModel, table=True):
    """Per-fund cursor of the result feed: numbering and push progress."""

    fund_id: int = Field(foreign_key="fund.id", primary_key=True)
    last_seq: int = 0
    pushed_seq: int = 0
    failed_tries: int = 0
    next_try_at: NaiveDatetime | None = None
    stalled: bool = False
    last_error: str | None = Field(default=None, max_length=1000)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
