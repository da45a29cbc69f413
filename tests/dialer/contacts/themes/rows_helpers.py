"""Valid example rows for each audience, edited per test."""

from __future__ import annotations

from datetime import date

from dialer.contacts.territories import Territory
from dialer.contacts.themes import ParsedRow, RowError, get_theme, match_columns, parse_row

TODAY = date(2026, 11, 25)
NIR = "184127512345640"  # born December 1984

INSURED = {
    "Référence": "R-001",
    "N° de sécurité sociale": "1 84 12 75 123 456 40",
    "Nom": "Dupont",
    "Prénom": "Jean",
    "Date de naissance": "03/12/1984",
    "Adresse": "12 rue de la Paix",
    "Code postal": "75002",
    "Ville": "Paris",
    "Téléphone": "06 12 34 56 78",
    "Portable": "",
    "Courriel": "jean.dupont@exemple.fr",
}
PROFESSIONAL = {
    "RPPS": "10001234565",
    "Nom": "Martin",
    "Prénom": "Claire",
    "Code postal": "97400",
    "Tel": "0262301234",
}
EMPLOYER = {
    "Raison sociale": "Boulangerie Martin",
    "SIRET": "732 829 320 00074",
    "Nom du correspondant": "Paul Martin",
    "Commune": "Lyon",
    "Code postal": "69001",
    "Téléphone": "04 72 00 00 00",
}


def run(
    theme_key: str,
    cells: dict[str, str],
    fund: Territory | None = Territory.METRO,
) -> ParsedRow | list[RowError]:
    theme = get_theme(theme_key)
    header = list(cells)
    mapping = match_columns(theme, header)
    assert mapping.ok, (mapping.unknown, mapping.missing)
    return parse_row(theme, mapping, [cells[h] for h in header], fund, today=TODAY)


def accepted(
    theme_key: str, cells: dict[str, str], fund: Territory | None = Territory.METRO
) -> ParsedRow:
    result = run(theme_key, cells, fund)
    assert isinstance(result, ParsedRow), result
    return result


def rejected(theme_key: str, cells: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Errors by column: (shown value, reason)."""
    result = run(theme_key, cells)
    assert isinstance(result, list), result
    return {e.column: (e.value, e.reason) for e in result}
