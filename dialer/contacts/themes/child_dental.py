"""Child dental check-up (EBD, "M'T dents") for insured parents.

The call is only worth making while the EBD cover runs, so its end date is the
theme's expiry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial

from dialer.contacts.people.fields import clean_text, parse_birth_date, parse_french_date, parse_int
from dialer.contacts.themes.base import Audience, FieldSpec, Theme

# The file is prepared some days before the call: one year of slack either way.
_AGE_SLACK = 1


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _child_birth_date(raw: str) -> object:
    return parse_birth_date(raw)


def _cross_check(values: Mapping[str, object], today: date) -> list[tuple[str, str]]:
    birth = values.get("child_birth_date")
    if not isinstance(birth, date):
        return []
    problems: list[tuple[str, str]] = []
    age = values.get("child_age")
    if isinstance(age, int) and abs(_age_on(birth, today) - age) > _AGE_SLACK:
        problems.append(("child_age", "âge de l'enfant incohérent avec sa date de naissance"))
    cover_end = values.get("ebd_cover_end")
    if isinstance(cover_end, date) and cover_end <= birth:
        problems.append(
            ("ebd_cover_end", "fin de prise en charge antérieure à la naissance de l'enfant")
        )
    return problems


CHILD_DENTAL = Theme(
    key="child_dental",
    label_fr="Examen bucco-dentaire de l'enfant (M'T dents)",
    audience=Audience.INSURED,
    fields=(
        FieldSpec(
            "child_last_name",
            "Nom de l'enfant",
            partial(clean_text, max_len=100),
            ("Nom enfant", "child_last_name"),
        ),
        FieldSpec(
            "child_first_name",
            "Prénom de l'enfant",
            partial(clean_text, max_len=100),
            ("Prénom enfant", "child_first_name"),
            required=True,
        ),
        FieldSpec(
            "child_age",
            "Âge de l'enfant",
            partial(parse_int, low=0, high=30),
            ("Age enfant", "Âge enfant", "child_age"),
        ),
        FieldSpec(
            "child_birth_date",
            "Date de naissance de l'enfant",
            _child_birth_date,
            ("Date naissance enfant", "Né le (enfant)", "child_birth_date"),
            required=True,
        ),
        FieldSpec(
            "ebd_cover_end",
            "Fin de prise en charge EBD",
            parse_french_date,
            (
                "Date de fin EBD",
                "Fin EBD",
                "Fin de validité EBD",
                "Date de fin de prise en charge",
                "ebd_cover_end",
            ),
            required=True,
        ),
    ),
    expiry_field="ebd_cover_end",
    cross_check=_cross_check,
)
