"""Online services (télé-services) for health professionals."""

from __future__ import annotations

from functools import partial

from dialer.contacts.people.fields import clean_text, parse_rate
from dialer.contacts.themes.base import Audience, FieldSpec, Theme

PRO_ONLINE_SERVICES = Theme(
    key="pro_online_services",
    label_fr="Télé-services des professionnels de santé",
    audience=Audience.PROFESSIONAL,
    fields=(
        FieldSpec(
            "practice_software",
            "Logiciel",
            partial(clean_text, max_len=100),
            ("Logiciel métier", "Nom du logiciel", "Logiciel intégré", "practice_software"),
        ),
        FieldSpec(
            "online_usage_rate",
            "Taux d'utilisation des télé-services",
            parse_rate,
            (
                "Taux d'utilisation des téléservices",
                "Taux d'utilisation",
                "Taux télé-services",
                "Taux téléservices",
                "online_usage_rate",
            ),
        ),
    ),
)
