"""People who sign in (agents, managers, DPO, administrators), their sessions, agent presence."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.models.base import utcnow


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=100)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # agent, manager, dpo, admin
    password_hash: str = Field(max_length=200)
    active: bool = True
    # The agent's phone as the PBX knows it: an endpoint (901) that
    # DIALER_AGENT_TEMPLATE turns into a dial string, or a whole dial string.
    phone_endpoint: str | None = Field(default=None, max_length=100)
    failed_logins: int = 0
    locked_until: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class AgentPresence(SQLModel, table=True):
    """The state pacing reads: logged out, available, reserved, on call, wrap-up, paused."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    state: str = Field(default="logged_out", max_length=16)
    pause_reason: str | None = Field(default=None, max_length=100)
    attempt_id: int | None = Field(default=None, foreign_key="callattempt.id")
    worker_id: str | None = Field(default=None, max_length=64)
    since: NaiveDatetime = Field(default_factory=utcnow)
    wrap_up_until: NaiveDatetime | None = None


class UserSession(SQLModel, table=True):
    """One signed-in session, named by the id its cookie carries.

    Every web process checks it on each request, so signing out, disabling the account
    or changing the password closes it everywhere at once, and for good.
    """

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime = Field(index=True)
    revoked_at: NaiveDatetime | None = None
