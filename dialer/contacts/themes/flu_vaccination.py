"""Flu vaccination reminder for insured people."""

from __future__ import annotations

from dialer.contacts.people.fields import parse_bool_fr
from dialer.contacts.themes.base import Audience, FieldSpec, Theme

FLU_VACCINATION = Theme(
    key="flu_vaccination",
    label_fr="Vaccination contre la grippe",
    audience=Audience.INSURED,
    fields=(
        FieldSpec(
            "flu_vaccinated",
            "Vacciné grippe",
            parse_bool_fr,
            (
                "Vaccination grippe",
                "Vaccination antigrippale",
                "Vacciné contre la grippe",
                "Vacciné",
                "flu_vaccinated",
            ),
        ),
    ),
)
