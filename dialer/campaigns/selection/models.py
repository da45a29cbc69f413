"""Live-call locks: one row per person, identity and number that a call attempt holds.

The primary key is what makes "one live call per person" hold across campaigns,
funds and dialler processes: the claim inserts its keys in its own transaction,
and a second claim of the same key finds it taken. A lock lives as long as its
attempt: every path that ends or gives back the attempt deletes it, and its
worker pushes ``expires_at`` forward while it runs, so a dead worker's locks
stop counting once they expire.
"""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class LiveCallLock(SQLModel, table=True):
    # "p:<person id>", "n:<NIR lookup hash>" or "t:<E.164 number dialled>"
    key: str = Field(primary_key=True, max_length=160)
    attempt_id: int = Field(foreign_key="callattempt.id", index=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="campaigncontact.id", ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    worker_id: str = Field(max_length=64, index=True)
    expires_at: NaiveDatetime = Field(index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
