"""People who sign in (agents, managers, DPO, administrators), their sessions, agent presence."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from dialer.core.columns import utcnow


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=100)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # agent, manager, dpo, admin
    password_hash: str = Field(max_length=200)
    active: bool = True
    # Set by an administrator's password reset: every page leads to the change form.
    must_change_password: bool = False
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


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted for one account name or one client address.

    In the database, not in a process: every web process sees the same counts.
    An account's row is keyed by the name typed (known or not, so the answer never
    tells whether an account exists); a success deletes it.
    """

    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=8)  # account, address
    key: str = Field(max_length=100)
    failures: int = 0
    # An address counts its failures over a window starting at its first one.
    window_start: NaiveDatetime = Field(default_factory=utcnow)
    blocked_until: NaiveDatetime | None = Field(default=None, index=True)
    last_failure_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
