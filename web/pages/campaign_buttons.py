"""The campaign page's state buttons, and the one-off notice it shows after a move."""

from __future__ import annotations

from dataclasses import dataclass

from dialer.campaigns.lifecycle import CampaignEvent

# One message shown once on the campaign page after a move (kept in the signed session).
NOTICE_KEY = "campaign_notice"


@dataclass(frozen=True)
class Button:
    word: str  # in the URL
    label: str
    event: CampaignEvent


BUTTONS = {
    CampaignEvent.ACTIVATE: Button("activer", "Activer la campagne", CampaignEvent.ACTIVATE),
    CampaignEvent.PAUSE: Button("suspendre", "Mettre en pause", CampaignEvent.PAUSE),
    CampaignEvent.RESUME: Button("reprendre", "Reprendre", CampaignEvent.RESUME),
    CampaignEvent.CLOSE: Button("cloture", "Clôturer…", CampaignEvent.CLOSE),
}
