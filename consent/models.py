"""The contact-authorisation ledger: append-only, one row per decision."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ConsentEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(index=True)
    channel: str = Field(max_length=16)  # call, sms, email, post
    decision: str = Field(max_length=8)  # opt_in, opt_out
    source: str = Field(max_length=32)  # call_outcome, fund_file, rights_request, manager
    author: str = Field(max_length=100)
    reference: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=_utcnow, index=True)
