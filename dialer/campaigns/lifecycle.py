"""A campaign's life as a manager drives it: activate, pause, resume, close, edit.

The transitions are a pure table. Pausing takes the campaign out of the dialer's
targets (``dialer.engine.calling.snapshot`` dials active campaigns only), so the
next tick places no new call while the calls already placed end normally.
Closing is final; its privacy side (provisional codes) is done by
``dialer.compliance.privacy.closing``, which calls ``close_campaign`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from dialer.campaigns.models import Campaign, CampaignStatus, Wave
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.waves.states import LIVE, WaveStatus
from dialer.contacts.themes import get_theme
from dialer.core.errors import Conflict, DomainError
from dialer.wording import Kind, label


class CampaignEvent(StrEnum):
    ACTIVATE = "activate"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


_OPEN = (CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED)
TRANSITIONS: dict[tuple[CampaignStatus, CampaignEvent], CampaignStatus] = {
    (CampaignStatus.DRAFT, CampaignEvent.ACTIVATE): CampaignStatus.ACTIVE,
    (CampaignStatus.ACTIVE, CampaignEvent.PAUSE): CampaignStatus.PAUSED,
    (CampaignStatus.PAUSED, CampaignEvent.RESUME): CampaignStatus.ACTIVE,
    **{(status, CampaignEvent.CLOSE): CampaignStatus.CLOSED for status in _OPEN},
}
_EVENT_FR = {
    CampaignEvent.ACTIVATE: "activer",
    CampaignEvent.PAUSE: "mettre en pause",
    CampaignEvent.RESUME: "reprendre",
    CampaignEvent.CLOSE: "clôturer",
}
# What a manager may change on a campaign that has started (said on the edit page).
EDITABLE_WHILE_RUNNING_FR = (
    "le nom",
    "le numéro présenté",
    "les plages horaires et les jours d'appel",
    "le nombre de tentatives",
    "le taux d'abandon visé",
    "la durée du post-appel",
)
LOCKED_WHILE_RUNNING_FR = "le thème et la caisse commanditaire"


class CampaignTransitionRefused(Conflict):
    """An event the campaign's status does not allow; the message is French."""


def campaign_status(campaign: Campaign) -> CampaignStatus:
    return CampaignStatus(campaign.status)


def next_campaign_status(status: CampaignStatus, event: CampaignEvent) -> CampaignStatus:
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise CampaignTransitionRefused(
            f"Impossible de {_EVENT_FR[event]} une campagne {label(Kind.CAMPAIGN_STATE, status)}."
        ) from None


def allowed_campaign_events(status: CampaignStatus) -> list[CampaignEvent]:
    return [event for event in CampaignEvent if (status, event) in TRANSITIONS]


def move_campaign(session: Session, campaign: Campaign, event: CampaignEvent) -> Campaign:
    """Pause, resume or activate (the caller commits); closing goes through close_campaign."""
    if event is CampaignEvent.CLOSE:
        raise DomainError("La clôture passe par sa page de confirmation.")
    campaign.status = next_campaign_status(campaign_status(campaign), event).value
    session.add(campaign)
    session.flush()
    return campaign


def close_campaign(session: Session, campaign: Campaign, now: datetime) -> int:
    """Closed for good: its live waves stop; returns how many waves were stopped."""
    campaign.status = next_campaign_status(campaign_status(campaign), CampaignEvent.CLOSE).value
    campaign.closed_at = now
    session.add(campaign)
    waves = session.exec(
        select(Wave).where(
            Wave.campaign_id == campaign.id, col(Wave.status).in_([s.value for s in LIVE])
        )
    ).all()
    for wave in waves:
        wave.status = WaveStatus.STOPPED.value
        wave.stopped_at = now
        session.add(wave)
    session.flush()
    return len(waves)


@dataclass(frozen=True)
class CampaignEdit:
    """What the edit form asks for; the theme and fund only change on a draft."""

    name: str
    theme: str
    fund_id: int
    caller_id: str  # E.164, already normalised
    policy: CallingPolicy


def started(campaign: Campaign) -> bool:
    return campaign_status(campaign) is not CampaignStatus.DRAFT


def check_edit(campaign: Campaign, edit: CampaignEdit, has_contacts: bool) -> None:
    """Refuses, with the reason, what cannot change in the campaign's current state."""
    status = campaign_status(campaign)
    if status is CampaignStatus.CLOSED:
        raise CampaignTransitionRefused(
            "La campagne est clôturée : ses réglages et ses résultats sont définitifs."
        )
    if not started(campaign):
        if has_contacts and edit.theme != campaign.theme:
            raise CampaignTransitionRefused(
                "Le thème ne peut plus changer : des contacts ont déjà été importés "
                "avec les champs de ce thème."
            )
        return
    if edit.theme != campaign.theme:
        raise CampaignTransitionRefused(
            f"Le thème ne peut plus changer : la campagne est {label(Kind.CAMPAIGN_STATE, status)} "
            "et ses contacts ont été importés et appelés selon ce thème."
        )
    if edit.fund_id != campaign.fund_id:
        raise CampaignTransitionRefused(
            f"La caisse commanditaire ne peut plus changer : la campagne est "
            f"{label(Kind.CAMPAIGN_STATE, status)} et ses résultats sont remis à cette caisse."
        )


def apply_edit(
    session: Session, campaign: Campaign, edit: CampaignEdit, *, has_contacts: bool
) -> Campaign:
    check_edit(campaign, edit, has_contacts)
    campaign.name = edit.name
    if edit.theme != campaign.theme:
        campaign.theme = edit.theme
        campaign.audience = get_theme(edit.theme).audience.value
    campaign.fund_id = edit.fund_id
    campaign.caller_id = edit.caller_id
    campaign.calling_policy = edit.policy.model_dump(mode="json")
    # The pacing reads these columns; the form sets them through the policy.
    campaign.abandon_target = edit.policy.abandon_target
    campaign.wrap_up_seconds = edit.policy.wrap_up_seconds
    session.add(campaign)
    session.flush()
    return campaign
