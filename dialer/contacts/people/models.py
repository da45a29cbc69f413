"""People called, and their entry in each campaign's contact list.

A ``Person`` holds only the fields the notice lists for their audience; the
theme-specific fields live on the ``CampaignContact`` of the campaign that needs
them. Secrets (NIR, provisional code) are stored encrypted, found by keyed hash.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import Index, func, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from dialer.core.columns import json_column, utcnow


class Person(SQLModel, table=True):
    # The contact list finds a person by last name whatever its case, and the few people
    # of a rare territory without walking the whole campaign.
    __table_args__ = (
        Index("ix_person_last_name_lower", func.lower(text("last_name"))),
        Index("ix_person_territory", "territory"),
    )

    id: int | None = Field(default=None, primary_key=True)
    audience: str = Field(max_length=16)  # insured, professional, employer
    identity_key: str = Field(index=True, unique=True, max_length=128)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    # insured
    nir_cipher: str | None = Field(default=None, max_length=200)
    nir_lookup: str | None = Field(default=None, index=True, max_length=128)
    birth_date: date | None = None
    # insured and professional
    last_name: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    # professional
    professional_number: str | None = Field(default=None, max_length=16)
    # employer
    company_name: str | None = Field(default=None, max_length=200)
    siret: str | None = Field(default=None, max_length=14)
    local_contact_name: str | None = Field(default=None, max_length=200)
    # contact details, every audience
    address_line: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    phone_e164: str | None = Field(default=None, max_length=20)
    phone2_e164: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    territory: str = Field(max_length=32)
    time_zone: str = Field(max_length=64)
    limited: bool = False  # limitation of processing: frozen until lifted
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
    last_activity_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    anonymised_at: NaiveDatetime | None = None


class ContactStatus(StrEnum):
    """Where a person stands in one campaign (the values are stored: never rename them)."""

    PENDING = "pending"  # to be called, now or at ``next_attempt_at`` / ``callback_at``
    IN_PROGRESS = "in_progress"  # claimed by a worker: being called or previewed
    DONE = "done"  # no more calls in this campaign; ``done_reason`` says why


class CampaignContact(SQLModel, table=True):
    """A person's place in one campaign: theme fields, progress and dialler lease."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id"),
        UniqueConstraint("campaign_id", "row_ref"),
        Index("ix_contact_selectable", "campaign_id", "status", "next_attempt_at"),
        # The dialler's queue, read by dialer.campaigns.selection: due callbacks, never-tried
        # contacts by id, then due retries by time, each as one index range.
        Index("ix_contact_queue", "campaign_id", "status", "callback_at", "next_attempt_at", "id"),
        # The contact list's filters, read in id order for keyset pages.
        Index("ix_contact_status_id", "campaign_id", "status", "id"),
        Index("ix_contact_result_id", "campaign_id", "last_result", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    row_ref: str | None = Field(default=None, max_length=64)
    theme_data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default=ContactStatus.PENDING, max_length=16)
    done_reason: str | None = Field(default=None, max_length=64)
    attempts: int = 0
    retry_counts: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    next_attempt_at: NaiveDatetime | None = None
    callback_at: NaiveDatetime | None = None
    last_result: str | None = Field(default=None, max_length=32)
    last_attempt_at: NaiveDatetime | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: NaiveDatetime | None = None
    import_job_id: int | None = Field(default=None, foreign_key="importjob.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
