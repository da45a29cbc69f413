"""Changing a campaign after it was created: what may change, and why the rest may not."""

from __future__ import annotations

import phonenumbers
from sqlmodel import Session, select

from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.campaigns.setup import SetupError, known_themes
from dialer.contacts.funds import Fund
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.themes import THEMES, Theme
from dialer.core.columns import require_id

NAME_MAX = 200
_STARTED = {
    CampaignStatus.ACTIVE: "est en cours",
    CampaignStatus.PAUSED: "est suspendue après avoir appelé",
}


def _frozen_reason(session: Session, campaign: Campaign) -> str | None:
    """Why the theme and the fund are fixed now, or None while they may still change."""
    started = _STARTED.get(CampaignStatus(campaign.status))
    if started:
        return f"la campagne {campaign.code} {started}"
    has_contacts = session.exec(
        select(CampaignContact.id).where(CampaignContact.campaign_id == campaign.id).limit(1)
    ).first()
    if has_contacts is not None:
        return f"des contacts sont déjà importés dans la campagne {campaign.code}"
    return None


def _rename(campaign: Campaign, name: str) -> list[str]:
    text = name.strip()
    if not text or len(text) > NAME_MAX:
        raise SetupError(f"Le nom doit faire de 1 à {NAME_MAX} caractères.")
    if text == campaign.name:
        return []
    campaign.name = text
    return [f"nom : {text}"]


def _caller_id(campaign: Campaign, raw: str) -> list[str]:
    try:
        number = normalise_phone(raw).e164
    except FieldError as error:
        raise SetupError(f"Numéro présenté « {raw} » : {error}.") from None
    if number == campaign.caller_id:
        return []
    campaign.caller_id = number
    national = phonenumbers.format_number(
        phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return [f"numéro présenté : {national}"]


def _theme(theme: str | None) -> Theme | None:
    if theme is None:
        return None
    chosen = THEMES.get(theme)
    if chosen is None:
        raise SetupError(f"Thème inconnu : {theme}. {known_themes()}")
    return chosen


def edit_campaign(
    session: Session,
    campaign: Campaign,
    *,
    name: str | None = None,
    caller_id: str | None = None,
    theme: str | None = None,
    fund: Fund | None = None,
) -> list[str]:
    """Applies the changes asked for; returns what changed, in French. Refuses as a whole."""
    if campaign.status == CampaignStatus.CLOSED:
        raise SetupError(f"La campagne {campaign.code} est clôturée : elle ne se modifie plus.")
    chosen = _theme(theme)
    moving_theme = chosen is not None and chosen.key != campaign.theme
    moving_fund = fund is not None and require_id(fund) != campaign.fund_id
    if moving_theme or moving_fund:
        reason = _frozen_reason(session, campaign)
        if reason is not None:
            what = "son thème" if moving_theme else "sa caisse"
            raise SetupError(
                f"Impossible de changer {what} : {reason} ; ses contacts, leurs données et les "
                "résultats déjà transmis relèvent de ce thème et de cette caisse. "
                "Créez plutôt une nouvelle campagne."
            )
    changes = _rename(campaign, name) if name is not None else []
    changes += _caller_id(campaign, caller_id) if caller_id is not None else []
    if moving_theme and chosen is not None:
        campaign.theme = chosen.key
        campaign.audience = chosen.audience.value
        changes.append(f"thème : {chosen.label_fr}")
    if moving_fund and fund is not None:
        campaign.fund_id = require_id(fund)
        changes.append(f"caisse : {fund.code}")
    session.add(campaign)
    session.flush()
    return changes
