"""Versions of a campaign's retry rules: every save kept, the newest applied.

Saving new rules also moves the retries already waiting, so that what the
editor announced (« 1 240 contacts reviendront demain ») is what happens.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import func, update
from sqlmodel import Field, Session, SQLModel, UniqueConstraint, col, select

from dialer.campaigns.models import Campaign
from dialer.campaigns.policies import RetryPolicy
from dialer.campaigns.retry_rules import PendingRetry, RetryEffect, effect, replanned
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import json_column, require_id, utcnow

RETRIES_EXHAUSTED = "retries_exhausted"
INITIAL_AUTHOR = "réglage initial"
BATCH = 1000


class RetryPolicyVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    version: int
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    author: str = Field(max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


def list_versions(session: Session, campaign_id: int) -> list[RetryPolicyVersion]:
    return list(
        session.exec(
            select(RetryPolicyVersion)
            .where(RetryPolicyVersion.campaign_id == campaign_id)
            .order_by(col(RetryPolicyVersion.version).desc())
        )
    )


def current_policy(campaign: Campaign) -> RetryPolicy:
    return RetryPolicy.model_validate(campaign.retry_policy or {})


def _waiting(session: Session, campaign_id: int) -> list[PendingRetry]:
    """Pending contacts waiting for a retry the rules decide (not a callback, not leased).

    Plain columns, not rows: a large campaign holds many such contacts.
    """
    rows = session.exec(
        select(
            CampaignContact.id, CampaignContact.last_result, CampaignContact.retry_counts,
            CampaignContact.last_attempt_at,
        ).where(
            CampaignContact.campaign_id == campaign_id,
            CampaignContact.status == ContactStatus.PENDING.value,
            col(CampaignContact.next_attempt_at).is_not(None),
            col(CampaignContact.callback_at).is_(None),
            col(CampaignContact.lease_owner).is_(None),
            col(CampaignContact.last_result).is_not(None),
            col(CampaignContact.last_attempt_at).is_not(None),
        )
    ).all()  # fmt: skip
    found = []
    for contact_id, reason, counts, last_attempt_at in rows:
        spent = int((counts or {}).get(reason or "", 0))
        if spent < 1 or contact_id is None or reason is None or last_attempt_at is None:
            continue  # not waiting on this reason's rule (e.g. a network failure)
        found.append(PendingRetry(contact_id, reason, spent, last_attempt_at))
    return found


def preview_effect(
    session: Session, campaign_id: int, policy: RetryPolicy, now: datetime
) -> RetryEffect:
    return effect(_waiting(session, campaign_id), policy, now)


def _version_count(session: Session, campaign_id: int) -> int:
    count = session.exec(
        select(func.max(RetryPolicyVersion.version)).where(
            RetryPolicyVersion.campaign_id == campaign_id
        )
    ).one()
    return int(count or 0)


def save_rules(
    session: Session, campaign: Campaign, policy: RetryPolicy, author: str, now: datetime
) -> RetryPolicyVersion:
    """A new version, applied to the campaign and to the retries waiting (caller commits)."""
    campaign_id = require_id(campaign)
    number = _version_count(session, campaign_id)
    if number == 0:
        # The rules the campaign was created with are kept as version 1.
        session.add(
            RetryPolicyVersion(
                campaign_id=campaign_id, version=1, rules=campaign.retry_policy or {},
                author=INITIAL_AUTHOR, created_at=campaign.created_at,
            )
        )  # fmt: skip
        number = 1
    version = RetryPolicyVersion(
        campaign_id=campaign_id,
        version=number + 1,
        rules=policy.model_dump(mode="json"),
        author=author[:100],
        created_at=now,
    )
    session.add(version)
    campaign.retry_policy = version.rules
    session.add(campaign)
    _apply(session, campaign_id, policy, now)
    session.flush()
    return version


def _apply(session: Session, campaign_id: int, policy: RetryPolicy, now: datetime) -> None:
    """One UPDATE per new retry time (contacts retried together share it), not per contact."""
    by_time: dict[datetime | None, list[int]] = defaultdict(list)
    for row in _waiting(session, campaign_id):
        by_time[replanned(row, policy)].append(row.contact_id)
    for when, ids in by_time.items():
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            # Still waiting as read: a worker may have claimed one meanwhile.
            where = [
                col(CampaignContact.id).in_(batch),
                col(CampaignContact.lease_owner).is_(None),
                col(CampaignContact.status) == ContactStatus.PENDING.value,
            ]
            values: dict[str, Any] = {"next_attempt_at": when, "updated_at": now}
            if when is None:
                values |= {"status": ContactStatus.DONE.value, "done_reason": RETRIES_EXHAUSTED}
            session.execute(update(CampaignContact).where(*where).values(**values))
