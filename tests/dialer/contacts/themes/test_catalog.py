from __future__ import annotations

from datetime import date

import pytest

from dialer.contacts.themes import THEMES, Audience, get_theme
from tests.dialer.contacts.themes.rows_helpers import INSURED, PROFESSIONAL, accepted, rejected, run

CHILD = {
    **INSURED,
    "Nom de l'enfant": "Dupont",
    "Prénom de l'enfant": "Léa",
    "Âge de l'enfant": "6",
    "Date de naissance de l'enfant": "01/06/2020",
    "Fin de prise en charge EBD": "31/12/2026",
}
AMELI = {**INSURED, "Code provisoire": "AB12CD34", "Date d'expiration du code": "15/01/2027"}


def test_the_five_themes() -> None:
    assert {key: theme.audience for key, theme in THEMES.items()} == {
        "flu_vaccination": Audience.INSURED,
        "child_dental": Audience.INSURED,
        "ameli_account": Audience.INSURED,
        "pro_online_services": Audience.PROFESSIONAL,
        "employer_offer": Audience.EMPLOYER,
    }
    assert all(theme.key == key and theme.label_fr for key, theme in THEMES.items())


def test_unknown_theme_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown campaign theme 'covid'.*flu_vaccination"):
        get_theme("covid")


@pytest.mark.parametrize(
    ("cell", "expected"), [("oui", True), ("non", False), ("x", True), ("", None)]
)
def test_flu_vaccination(cell: str, expected: bool | None) -> None:
    parsed = accepted("flu_vaccination", {**INSURED, "Vacciné grippe": cell})
    assert parsed.theme_data == {"flu_vaccinated": expected}


def test_child_dental() -> None:
    parsed = accepted("child_dental", CHILD)
    assert parsed.theme_data == {
        "child_last_name": "Dupont",
        "child_first_name": "Léa",
        "child_age": 6,
        "child_birth_date": "2020-06-01",
        "ebd_cover_end": "2026-12-31",
    }
    assert parsed.expires_on == date(2026, 12, 31)
    assert get_theme("child_dental").expiry(parsed.theme_data) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"Âge de l'enfant": "12"}, "Âge de l'enfant", "âge de l'enfant incohérent"),
        ({"Âge de l'enfant": "six"}, "Âge de l'enfant", "nombre entier attendu"),
        ({"Date de naissance de l'enfant": "01/06/2027"}, "Date de naissance de l'enfant", "futur"),
        ({"Fin de prise en charge EBD": "31/12/2019"}, "Fin de prise en charge EBD", "antérieure"),
        ({"Fin de prise en charge EBD": "24/11/2026"}, "Fin de prise en charge EBD", "dépassée"),
        ({"Fin de prise en charge EBD": ""}, "Fin de prise en charge EBD", "obligatoire"),
        ({"Prénom de l'enfant": ""}, "Prénom de l'enfant", "obligatoire"),
    ],
)
def test_child_dental_rejects(changes: dict[str, str], column: str, reason: str) -> None:
    result = run("child_dental", {**CHILD, **changes})
    assert isinstance(result, list)
    assert any(e.column == column and reason in e.reason for e in result), result


def test_child_age_tolerates_a_year_of_slack_and_may_be_absent() -> None:
    assert accepted("child_dental", {**CHILD, "Âge de l'enfant": "5"}).theme_data["child_age"] == 5
    assert (
        accepted("child_dental", {**CHILD, "Âge de l'enfant": ""}).theme_data["child_age"] is None
    )


def test_ameli_account_code_is_secret() -> None:
    theme = get_theme("ameli_account")
    assert theme.secret_fields == frozenset({"provisional_code"})
    parsed = accepted("ameli_account", AMELI)
    assert parsed.theme_data == {
        "provisional_code": "AB12CD34",
        "provisional_code_expiry": "2027-01-15",
    }
    assert parsed.expires_on == date(2027, 1, 15)


@pytest.mark.parametrize(
    "code", ["AB12", "AB12CD34EF56GH78X", "AB12-CD34", "AB12CD3é", "AB12CD34\n"]
)
def test_ameli_code_rejects_never_echo_the_code(code: str) -> None:
    errors = rejected("ameli_account", {**AMELI, "Code provisoire": code})
    value, reason = errors["Code provisoire"]
    assert value == "****"
    assert reason in {
        "code provisoire : 8 à 16 lettres ou chiffres attendus",
        "caractère de contrôle interdit",
    }


def test_expired_code_is_refused_and_masked() -> None:
    errors = rejected("ameli_account", {**AMELI, "Date d'expiration du code": "01/01/2026"})
    assert errors["Date d'expiration du code"][1].startswith("date dépassée")


def test_pro_online_services() -> None:
    cells = {**PROFESSIONAL, "Logiciel": "Medistory", "Taux d'utilisation": "42,5 %"}
    parsed = accepted("pro_online_services", cells)
    assert parsed.theme_data == {"practice_software": "Medistory", "online_usage_rate": 42.5}
    errors = rejected("pro_online_services", {**cells, "Taux d'utilisation": "120"})
    assert errors == {"Taux d'utilisation": ("120", "pourcentage entre 0 et 100 attendu")}


def test_professional_number_rejects() -> None:
    errors = rejected("pro_online_services", {**PROFESSIONAL, "RPPS": "10001234566"})
    assert errors == {"RPPS": ("10001234566", "clé du numéro RPPS invalide")}


def test_employer_offer_declares_no_extra_field() -> None:
    theme = get_theme("employer_offer")
    assert theme.fields == ()
    assert theme.expiry({}) is None


def test_expiry_reads_iso_strings_and_dates() -> None:
    theme = get_theme("ameli_account")
    assert theme.expiry({"provisional_code_expiry": "2027-01-15"}) == date(2027, 1, 15)
    assert theme.expiry({"provisional_code_expiry": date(2027, 1, 15)}) == date(2027, 1, 15)
    assert theme.expiry({}) is None
