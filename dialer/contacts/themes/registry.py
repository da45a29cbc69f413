"""The themes a campaign can be created with, by key."""

from __future__ import annotations

from dialer.contacts.themes.ameli_account import AMELI_ACCOUNT
from dialer.contacts.themes.base import Theme
from dialer.contacts.themes.child_dental import CHILD_DENTAL
from dialer.contacts.themes.employer_offer import EMPLOYER_OFFER
from dialer.contacts.themes.flu_vaccination import FLU_VACCINATION
from dialer.contacts.themes.pro_online_services import PRO_ONLINE_SERVICES

THEMES: dict[str, Theme] = {
    theme.key: theme
    for theme in (
        FLU_VACCINATION,
        CHILD_DENTAL,
        AMELI_ACCOUNT,
        PRO_ONLINE_SERVICES,
        EMPLOYER_OFFER,
    )
}


def get_theme(key: str) -> Theme:
    try:
        return THEMES[key]
    except KeyError:
        known = ", ".join(sorted(THEMES))
        raise KeyError(f"unknown campaign theme {key!r}; known themes: {known}") from None
