"""Anonymising people at the end of retention, and dropping short-lived secrets.

A person's row stays (ids keep the consent ledger, the trail and the counts
consistent) but every column that says who they are or how to reach them is
cleared; their theme data, free-text follow-ups, contact changes, dialled
numbers and the identifiers in their result-feed events go with it. Territory
and audience stay: they carry no identity and keep counts by territory possible.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.compliance.feed.kinds import SEALED_NIR_KEY
from dialer.compliance.feed.models import FeedEvent
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person

PERSONAL_COLUMNS = (
    "nir_cipher", "nir_lookup", "birth_date", "last_name", "first_name",
    "professional_number", "company_name", "siret", "local_contact_name", "address_line",
    "postal_code", "city", "phone_e164", "phone2_e164", "email",
)  # fmt: skip
# Feed payload keys that identify the person or repeat what they said.
_FEED_PERSONAL_KEYS = frozenset(
    {SEALED_NIR_KEY, "nir", "professional_number", "siret", "row_ref", "value", "text"}
)
ANONYMOUS_PREFIX = "anon:"


def anonymise_people(session: Session, person_ids: Sequence[int], now: datetime) -> None:
    """Clear everything personal about these people, in the caller's transaction."""
    people = session.exec(select(Person).where(col(Person.id).in_(person_ids)))
    for person in people:
        for name in PERSONAL_COLUMNS:
            setattr(person, name, None)
        # Unique and meaningless, so the next file's import never matches it again.
        person.identity_key = ANONYMOUS_PREFIX + uuid.uuid4().hex
        person.anonymised_at = now
        person.updated_at = now
        session.add(person)
    session.flush()
    session.execute(
        update(CampaignContact)
        .where(col(CampaignContact.person_id).in_(person_ids))
        .values(
            theme_data={}, row_ref=None, status=ContactStatus.DONE, done_reason="purged",
            lease_owner=None, lease_expires_at=None, callback_at=None, next_attempt_at=None,
            updated_at=now,
        )
    )  # fmt: skip
    session.execute(
        update(Outcome)
        .where(col(Outcome.person_id).in_(person_ids))
        .values(followup_text=None, contact_changes={})
    )
    session.execute(
        update(CallAttempt).where(col(CallAttempt.person_id).in_(person_ids)).values(number_e164="")
    )
    _strip_feed_events(session, person_ids)


def _strip_feed_events(session: Session, person_ids: Sequence[int]) -> None:
    rows = session.exec(
        select(FeedEvent.id, FeedEvent.payload).where(col(FeedEvent.person_id).in_(person_ids))
    )
    for event_id, payload in rows.all():
        kept = {k: v for k, v in (payload or {}).items() if k not in _FEED_PERSONAL_KEYS}
        if kept != payload:
            session.execute(
                update(FeedEvent).where(col(FeedEvent.id) == event_id).values(payload=kept)
            )


def drop_theme_secret(session: Session, contact_id: int, data: dict[str, Any], key: str) -> None:
    kept = {name: value for name, value in data.items() if name != key}
    session.execute(
        update(CampaignContact).where(col(CampaignContact.id) == contact_id).values(theme_data=kept)
    )
