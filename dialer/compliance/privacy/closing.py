"""Closing a campaign: no more calls, results final, provisional codes purged now.

A provisional ameli code is useless once its campaign is closed, so it is not
left waiting for the nightly retention run: it goes in the same transaction as
the closing, with its trail entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from dialer.campaigns.lifecycle import close_campaign
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.anonymise import drop_theme_secret
from dialer.compliance.privacy.retention import RetentionPolicy
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import require_id
from dialer.core.french import count_fr


@dataclass(frozen=True)
class ClosingReport:
    waves_stopped: int
    codes_purged: int
    contacts_left: int  # not done when the campaign closed: they will not be called

    def text_fr(self) -> str:
        waves = count_fr(self.waves_stopped, "vague arrêtée", "vagues arrêtées")
        return (
            f"Campagne clôturée : {waves}, {_codes(self.codes_purged)}, "
            f"{count_fr(self.contacts_left, 'contact non terminé', 'contacts non terminés')} "
            "ne sera plus appelé."
        )


def _codes(count: int) -> str:
    return count_fr(count, "code provisoire purgé", "codes provisoires purgés")


def contacts_not_done(session: Session, campaign_id: int) -> int:
    rows = session.exec(
        select(CampaignContact.id).where(
            CampaignContact.campaign_id == campaign_id,
            col(CampaignContact.status) != ContactStatus.DONE.value,
        )
    ).all()
    return len(rows)


def codes_to_purge(session: Session, campaign: Campaign, policy: RetentionPolicy) -> list[int]:
    """The contacts of the campaign still holding a provisional code (ids only)."""
    if campaign.theme != policy.code_theme:
        return []
    rows = session.exec(
        select(CampaignContact.id, CampaignContact.theme_data).where(
            CampaignContact.campaign_id == campaign.id
        )
    ).all()
    return [cid for cid, data in rows if cid is not None and (data or {}).get(policy.code_field)]


def close_and_purge(
    session: Session,
    campaign: Campaign,
    actor: str,
    now: datetime,
    policy: RetentionPolicy | None = None,
) -> ClosingReport:
    """Close the campaign and drop its provisional codes (the caller commits)."""
    rules = policy or RetentionPolicy()
    campaign_id = require_id(campaign)
    left = contacts_not_done(session, campaign_id)
    stopped = close_campaign(session, campaign, now)
    purged = 0
    for contact_id in codes_to_purge(session, campaign, rules):
        contact = session.get(CampaignContact, contact_id)
        if contact is None:  # pragma: no cover - read in this transaction
            continue
        drop_theme_secret(session, contact_id, dict(contact.theme_data or {}), rules.code_field)
        purged += 1
    record_access(
        session,
        actor=actor,
        actor_role="manager",
        action=TrailAction.PURGE,
        person_id=None,
        fields=[rules.code_field] if purged else [],
        campaign_id=campaign_id,
        detail=f"clôture de campagne : {_codes(purged)}",
    )
    return ClosingReport(waves_stopped=stopped, codes_purged=purged, contacts_left=left)
