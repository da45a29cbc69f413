"""Privacy's tables: the access trail (every read of a person's data, chained by hash) and the
anonymous daily counts kept after personal data is purged."""

from __future__ import annotations

from datetime import date

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from dialer.core.columns import json_column, utcnow


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


class DailyStat(SQLModel, table=True):
    day: date = Field(primary_key=True)
    campaign_id: int = Field(primary_key=True)
    fund_id: int
    calls: int = 0
    reached: int = 0
    abandoned: int = 0
    interviews_accepted: int = 0
    interviews_refused: int = 0
    offers_accepted: int = 0
    offers_refused: int = 0
    opted_out: int = 0
    purged_people: int = 0


class RightsRequest(SQLModel, table=True):
    """One request a person made to exercise a right, from receipt to answer.

    Holds no personal data beyond the person's id: the letter's reference and the
    reasons typed by the DPO are the same texts the trail's details already hold.
    """

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    received_on: date
    kind: str = Field(max_length=16)  # register_rules.RequestKind
    channel: str = Field(max_length=16)  # register_rules.Channel
    reference: str = Field(default="", max_length=100)  # the letter's or ticket's reference
    status: str = Field(default="received", max_length=16, index=True)
    due_on: date = Field(index=True)
    extension_reason: str | None = Field(default=None, max_length=500)
    closing_reason: str | None = Field(default=None, max_length=500)  # refusal's reason
    closed_on: date | None = None
    created_by: str = Field(max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class RightsRequestStep(SQLModel, table=True):
    """What was done for a request, in order: recorded, actions, extension, letter, closing."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="rightsrequest.id", index=True)
    at: NaiveDatetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=100)
    step: str = Field(max_length=24)  # register.StepKind
    detail: str = Field(default="", max_length=500)
