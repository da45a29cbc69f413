"""Every change of an agent's state, kept in order: what pauses and occupancy are computed from.

``AgentPresence`` holds only an agent's current state; reports need how long each
state lasted, so each change appends one row here and none is ever updated. A row
names the campaign it is about, the logging-out row included (the campaign left),
so one campaign's history reads on its own through ``(campaign_id, since)``.

The rows are the centre's staff's personal data: the retention purge deletes them
with the reports' own horizon (``dialer.compliance.privacy.retention``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel


class AgentStateChange(SQLModel, table=True):
    """From ``since`` (naive UTC) on, the agent was in ``state`` on the campaign, until the
    agent's next row on it."""

    __table_args__ = (
        Index("ix_agentstatechange_campaign_since", "campaign_id", "since"),
        Index("ix_agentstatechange_campaign_user_since", "campaign_id", "user_id", "since"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    campaign_id: int = Field(foreign_key="campaign.id")
    state: str = Field(max_length=16)
    pause_reason: str | None = Field(default=None, max_length=100)
    since: NaiveDatetime = Field(index=True)  # the retention purge's cut


def record_state(
    session: Session,
    user_id: int,
    campaign_id: int | None,
    state: str,
    since: datetime,
    pause_reason: str | None = None,
) -> None:
    """Append one change; an agent on no campaign has nothing a report could count."""
    if campaign_id is None:
        return
    reason = pause_reason if state == "paused" else None
    session.add(
        AgentStateChange(
            user_id=user_id,
            campaign_id=campaign_id,
            state=state,
            pause_reason=reason,
            since=since,
        )  # fmt: skip
    )
