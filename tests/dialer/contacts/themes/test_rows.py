from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.contacts.territories import Territory
from dialer.contacts.themes import ParsedRow, RowError, get_theme, match_columns, parse_row
from tests.dialer.contacts.themes.rows_helpers import (
    EMPLOYER,
    INSURED,
    NIR,
    PROFESSIONAL,
    TODAY,
    accepted,
    rejected,
)


def test_insured_row_maps_to_person_columns() -> None:
    parsed = accepted("flu_vaccination", INSURED)
    assert parsed.person == {
        "nir": NIR,
        "last_name": "Dupont",
        "first_name": "Jean",
        "birth_date": date(1984, 12, 3),
        "address_line": "12 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "phone_e164": "+33612345678",
        "phone2_e164": None,
        "email": "jean.dupont@exemple.fr",
    }
    assert parsed.identity == NIR
    assert parsed.row_ref == "R-001"
    assert (parsed.territory, parsed.time_zone) == (Territory.METRO, "Europe/Paris")
    assert parsed.theme_data == {}
    assert parsed.expires_on is None


def test_territory_follows_postal_code_then_phone() -> None:
    in_reunion = accepted("flu_vaccination", {**INSURED, "Code postal": "97400"})
    assert (in_reunion.territory, in_reunion.time_zone) == (Territory.REUNION, "Indian/Reunion")
    no_address = {**INSURED, "Code postal": ""}
    # The fund's territory says less than the number called.
    metro_mobile = accepted("flu_vaccination", no_address, fund=Territory.GUADELOUPE)
    assert metro_mobile.territory is Territory.METRO
    from_phone = accepted("flu_vaccination", {**no_address, "Téléphone": "0696123456"}, fund=None)
    assert (from_phone.territory, from_phone.time_zone) == (
        Territory.MARTINIQUE,
        "America/Martinique",
    )


def test_second_phone_fills_in_and_repeats_are_dropped() -> None:
    only_mobile = accepted(
        "flu_vaccination", {**INSURED, "Téléphone": "", "Portable": "0690123456"}
    )
    assert (only_mobile.person["phone_e164"], only_mobile.person["phone2_e164"]) == (
        "+590690123456",
        None,
    )
    same = accepted("flu_vaccination", {**INSURED, "Portable": "+33 6 12 34 56 78"})
    assert same.person["phone2_e164"] is None
    both = accepted("flu_vaccination", {**INSURED, "Portable": "0756123456"})
    assert both.person["phone2_e164"] == "+33756123456"


def test_every_error_is_reported_at_once_with_secrets_masked() -> None:
    bad = {
        **INSURED,
        "N° de sécurité sociale": "1 84 12 75 123 456 41",
        "Prénom": "  ",
        "Date de naissance": "31/02/1984",
        "Téléphone": "08 91 23 45 67",
        "Courriel": "jean@",
        "Code postal": "ABCDE",
    }
    errors = rejected("flu_vaccination", bad)
    assert errors == {
        "N° de sécurité sociale": ("1 84 12 ** *** *** **", "clé du NIR invalide"),
        "Prénom": ("", "valeur obligatoire manquante"),
        "Date de naissance": ("31/02/1984", "date inexistante"),
        "Téléphone": ("08 91 23 45 67", "numéro surtaxé, gratuit ou de service refusé"),
        "Courriel": ("jean@", "adresse e-mail invalide"),
        "Code postal": ("ABCDE", "code postal à 5 chiffres attendu"),
    }


@pytest.mark.parametrize(
    ("born", "reason"),
    [("03/12/1985", "l'année de naissance ne correspond pas au NIR"), ("03/11/1984", "le mois")],
)
def test_nir_must_agree_with_birth_date(born: str, reason: str) -> None:
    errors = rejected("flu_vaccination", {**INSURED, "Date de naissance": born})
    value, got = errors["N° de sécurité sociale"]
    assert value == "1 84 12 ** *** *** **"
    assert got.startswith(reason)


def test_a_phone_is_required() -> None:
    errors = rejected("flu_vaccination", {**INSURED, "Téléphone": "", "Portable": ""})
    assert errors == {"Téléphone": ("", "au moins un numéro de téléphone valide requis")}


def test_wrong_cell_count_is_an_error() -> None:
    theme = get_theme("flu_vaccination")
    mapping = match_columns(theme, list(INSURED))
    result = parse_row(theme, mapping, [*INSURED.values(), "extra"], Territory.METRO, today=TODAY)
    assert result == [RowError("", "", "12 cellules au lieu de 11")]


def test_value_under_a_blank_header_is_refused_and_masked() -> None:
    theme = get_theme("flu_vaccination")
    header = [*INSURED, ""]
    mapping = match_columns(theme, header)
    row = [*INSURED.values(), "secret médical"]
    assert parse_row(theme, mapping, row, Territory.METRO, today=TODAY) == [
        RowError("(colonne sans titre)", "****", "valeur dans une colonne sans titre")
    ]
    empty = parse_row(theme, mapping, [*INSURED.values(), " "], Territory.METRO, today=TODAY)
    assert isinstance(empty, ParsedRow)


def test_shown_values_carry_no_control_characters() -> None:
    errors = rejected("flu_vaccination", {**INSURED, "Nom": "Dupont\r\nAction: Originate"})
    value, reason = errors["Nom"]
    assert "\r" not in value and "\n" not in value
    assert reason == "caractère de contrôle interdit"


@settings(max_examples=60)
@given(st.text(st.characters(codec="utf-8"), max_size=30))
def test_any_cell_text_gives_a_row_or_errors_never_an_exception(text: str) -> None:
    for column in ("Nom", "Téléphone", "Date de naissance", "Code postal", "Courriel"):
        result = accepted_or_errors({**INSURED, column: text})
        if isinstance(result, ParsedRow):
            assert all(
                "\n" not in v and "\r" not in v and "\x00" not in v
                for v in result.person.values()
                if isinstance(v, str)
            )


def accepted_or_errors(cells: dict[str, str]) -> ParsedRow | list[RowError]:
    theme = get_theme("flu_vaccination")
    mapping = match_columns(theme, list(cells))
    return parse_row(theme, mapping, list(cells.values()), Territory.METRO, today=TODAY)


def test_professional_row() -> None:
    parsed = accepted("pro_online_services", PROFESSIONAL)
    assert parsed.identity == "10001234565"
    assert parsed.person["professional_number"] == "10001234565"
    assert parsed.person["phone_e164"] == "+262262301234"
    assert parsed.territory is Territory.REUNION
    assert parsed.row_ref is None


def test_employer_row() -> None:
    parsed = accepted("employer_offer", EMPLOYER)
    assert parsed.identity == "73282932000074"
    assert parsed.person == {
        "company_name": "Boulangerie Martin",
        "siret": "73282932000074",
        "local_contact_name": "Paul Martin",
        "city": "Lyon",
        "postal_code": "69001",
        "phone_e164": "+33472000000",
    }
    errors = rejected("employer_offer", {**EMPLOYER, "SIRET": "73282932000075"})
    assert errors == {"SIRET": ("73282932000075", "clé du SIRET invalide")}


def test_theme_data_is_json_serialisable() -> None:
    cells = {
        **INSURED,
        "Prénom de l'enfant": "Léa",
        "Date de naissance de l'enfant": "01/06/2020",
        "Fin de prise en charge EBD": "31/12/2026",
    }
    parsed = accepted("child_dental", cells)
    assert json.loads(json.dumps(parsed.theme_data)) == parsed.theme_data
