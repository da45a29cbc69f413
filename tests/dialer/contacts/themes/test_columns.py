from __future__ import annotations

import pytest

from dialer.contacts.themes import (
    THEMES,
    Audience,
    get_theme,
    header_key,
    match_columns,
    theme_fields,
)
from dialer.contacts.themes.columns import alias_index


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NIR", "nir"),
        ("N° de sécurité sociale", "nir"),
        ("numero_securite_sociale", "nir"),
        ("NUMÉRO DE SÉCURITÉ SOCIALE", "nir"),
        ("\ufeffNom", "last_name"),
        (" prénom ", "first_name"),
        ("Date_de_naissance", "birth_date"),
        ("Commune", "city"),
        ("Tél.", "phone_e164"),
        ("Téléphone 2", "phone2_e164"),
        ("portable", "phone2_e164"),
        ("E-mail", "email"),
        ("Ref", "row_ref"),
        ("Vaccination anti-grippale", "flu_vaccinated"),
    ],
)
def test_insured_headers_match_whatever_their_spelling(header: str, field: str) -> None:
    mapping = match_columns(get_theme("flu_vaccination"), [header])
    assert [spec.name for _, spec in mapping.columns] == [field]
    assert mapping.unknown == ()


def test_header_key_ignores_case_accents_spaces_and_punctuation() -> None:
    assert header_key("N° de Sécurité_Sociale") == header_key("ndesecuritesociale")
    assert header_key("Âge de l'enfant") == "agedelenfant"


@pytest.mark.parametrize(
    ("theme_key", "header", "field"),
    [
        ("pro_online_services", "Numéro PS", "professional_number"),
        ("pro_online_services", "RPPS", "professional_number"),
        ("pro_online_services", "Numéro AM", "professional_number"),
        ("pro_online_services", "Logiciel métier", "practice_software"),
        ("employer_offer", "Raison sociale", "company_name"),
        ("employer_offer", "N° SIRET", "siret"),
        ("employer_offer", "Correspondant local", "local_contact_name"),
        ("employer_offer", "Nom du correspondant", "local_contact_name"),
        ("child_dental", "Prénom de l'enfant", "child_first_name"),
        ("ameli_account", "Code confidentiel provisoire", "provisional_code"),
    ],
)
def test_audience_headers(theme_key: str, header: str, field: str) -> None:
    mapping = match_columns(get_theme(theme_key), [header])
    assert [spec.name for _, spec in mapping.columns] == [field]


def test_undeclared_columns_are_reported_not_mapped() -> None:
    header = [
        "NIR",
        "Nom",
        "Prénom",
        "Date de naissance",
        "Tel",
        "Médecin traitant",
        "Code provisoire",
    ]
    mapping = match_columns(get_theme("flu_vaccination"), header)
    # A provisional code belongs to another theme: this one must not hold it.
    assert mapping.unknown == ("Médecin traitant", "Code provisoire")
    assert "provisional_code" not in mapping.field_names
    assert not mapping.ok


def test_employer_file_may_not_carry_a_nir() -> None:
    mapping = match_columns(get_theme("employer_offer"), ["Raison sociale", "SIRET", "Tel", "NIR"])
    assert mapping.unknown == ("NIR",)


def test_missing_required_columns_are_named_in_french() -> None:
    mapping = match_columns(get_theme("child_dental"), ["Nom", "Prénom", "Adresse"])
    assert set(mapping.missing) == {
        "NIR",
        "Date de naissance",
        "Prénom de l'enfant",
        "Date de naissance de l'enfant",
        "Fin de prise en charge EBD",
        "Téléphone",
    }


def test_one_phone_column_is_enough() -> None:
    header = ["NIR", "Nom", "Prénom", "Date de naissance", "Portable"]
    mapping = match_columns(get_theme("flu_vaccination"), header)
    assert mapping.missing == ()
    assert mapping.ok


def test_two_columns_for_one_field_are_refused() -> None:
    header = ["NIR", "Nom", "Prénom", "Date de naissance", "Tel", "Téléphone"]
    mapping = match_columns(get_theme("flu_vaccination"), header)
    assert mapping.duplicates == ("Téléphone",)
    assert mapping.unknown == ("Téléphone (en double)",)
    assert not mapping.ok


def test_blank_headers_are_kept_aside() -> None:
    mapping = match_columns(get_theme("flu_vaccination"), ["NIR", "", "  ", "Tel"])
    assert mapping.blank == (1, 2)
    assert mapping.unknown == ()


def test_nothing_known() -> None:
    mapping = match_columns(get_theme("flu_vaccination"), ["a", "b"])
    assert not mapping.known


@pytest.mark.parametrize("theme_key", sorted(THEMES))
def test_no_alias_names_two_fields(theme_key: str) -> None:
    theme = THEMES[theme_key]
    index = alias_index(theme)
    for spec in theme_fields(theme):
        assert index[header_key(spec.label_fr)] is spec


def test_audiences_hold_only_their_notice_fields() -> None:
    names = {
        key: {s.name for s in theme_fields(t)} - {s.name for s in t.fields}
        for key, t in THEMES.items()
    }
    contact = {
        "row_ref",
        "address_line",
        "postal_code",
        "city",
        "phone_e164",
        "phone2_e164",
        "email",
    }
    assert names["flu_vaccination"] == contact | {"nir", "last_name", "first_name", "birth_date"}
    assert names["pro_online_services"] == contact | {
        "professional_number",
        "last_name",
        "first_name",
    }
    assert names["employer_offer"] == contact | {"company_name", "siret", "local_contact_name"}
    assert {t.audience for t in THEMES.values()} == set(Audience)
