"""Whom an event is about, as the fund knows them, limited to the theme's declared fields.

The fund is the data controller and sent the identifiers in its contact file: it
gets back its own row reference and the person's identifier (NIR, professional
number or SIRET) so it can act without a look-up table. The NIR stays sealed in
the outbox and is opened only when delivered to that fund.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from dialer.campaigns.models import Campaign
from dialer.compliance.feed.kinds import SEALED_NIR_KEY
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.themes import get_theme
from dialer.contacts.themes.base import Audience
from dialer.contacts.themes.person_fields import IDENTITY_FIELD, PERSON_FIELD_NAMES

# Names an outcome or a rights request uses -> the declared field they stand for.
FIELD_ALIASES = {"phone": "phone_e164", "phone2": "phone2_e164"}
# Secrets never travel as a changed value, even sealed.
_NEVER_SENT = frozenset({"nir", "provisional_code"})


@dataclass(frozen=True)
class Subject:
    campaign_code: str | None
    row_ref: str | None
    identity: dict[str, str]
    declared: frozenset[str] = field(default_factory=frozenset)

    def envelope(self, occurred_at: str) -> dict[str, Any]:
        envelope: dict[str, Any] = {"campaign": self.campaign_code, "row_ref": self.row_ref}
        envelope["occurred_at"] = occurred_at
        envelope.update(self.identity)
        return envelope

    def check_field(self, name: str) -> None:
        """ValueError unless ``name`` is a field the campaign's theme declares."""
        declared_name = FIELD_ALIASES.get(name, name)
        if declared_name in _NEVER_SENT or declared_name not in self.declared:
            raise ValueError(f"field {name!r} is not declared by this campaign's theme")


def load_subject(session: Session, person_id: int, campaign_id: int | None) -> Subject:
    person = session.get(Person, person_id)
    if person is None:
        raise ValueError(f"person {person_id} does not exist")
    audience = Audience(person.audience)
    declared = set(PERSON_FIELD_NAMES[audience])
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    row_ref = None
    if campaign is not None:
        theme = get_theme(campaign.theme)
        declared |= {spec.name for spec in theme.fields}
        row_ref = session.exec(
            select(CampaignContact.row_ref).where(
                CampaignContact.campaign_id == campaign_id,
                CampaignContact.person_id == person_id,
            )
        ).first()
    return Subject(
        campaign_code=campaign.code if campaign is not None else None,
        row_ref=row_ref,
        identity=_identity(person, audience),
        declared=frozenset(declared),
    )


def _identity(person: Person, audience: Audience) -> dict[str, str]:
    name = IDENTITY_FIELD[audience]
    if name == "nir":
        return {SEALED_NIR_KEY: person.nir_cipher} if person.nir_cipher else {}
    value = getattr(person, name)
    return {name: value} if value else {}
