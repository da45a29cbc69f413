"""Supervision settings of a campaign: its supervisors, its transfer destinations, its policy.

A supervisor, like an agent, is individually enabled on each campaign: listening to a
call is an access to the person's data, on a need-to-know basis.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel, UniqueConstraint

from dialer.core.columns import utcnow


class DestinationKind(StrEnum):
    """What a transfer destination is (stored: never rename)."""

    SUPERVISOR = "supervisor"  # the campaign's supervision desk
    FUND = "fund"  # a second-level service of the commissioning fund: a follow-up


class CampaignSupervisor(SQLModel, table=True):
    """A supervisor enabled on a campaign (may listen to its calls)."""

    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    enabled_by: str = Field(max_length=100)
    enabled_at: NaiveDatetime = Field(default_factory=utcnow)


class TransferDestination(SQLModel, table=True):
    """Where an agent may transfer a call of this campaign, and nowhere else.

    ``target`` is an E.164 number or an internal endpoint's digits, checked when
    stored (``dialer.engine.callcontrol.rules.checked_target``).
    """

    __table_args__ = (UniqueConstraint("campaign_id", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    label: str = Field(max_length=100)
    target: str = Field(max_length=20)
    kind: str = Field(default=DestinationKind.FUND, max_length=16)


class SupervisionPolicy(SQLModel, table=True):
    """A campaign's supervision rules; a campaign without a row has the defaults."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    # Whether the agent's desk says that a supervisor is listening (default: shown).
    show_listening: bool = True
