"""Service offer to employers: the notice's employer fields only, nothing more."""

from __future__ import annotations

from dialer.contacts.themes.base import Audience, Theme

EMPLOYER_OFFER = Theme(
    key="employer_offer",
    label_fr="Offre de services aux employeurs",
    audience=Audience.EMPLOYER,
)
