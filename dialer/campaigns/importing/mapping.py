"""A manager's mapping of a fund's own column names onto the theme's fields.

Funds name columns their own way (« N° sécu »); a manager maps such a header
once (CLI ``--map "N° sécu=NIR"`` or the upload page), or chooses to ignore it,
and the choice is remembered for that fund and theme for the next files.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from dialer.campaigns.importing.models import ColumnAlias
from dialer.campaigns.importing.source import ImportRefused
from dialer.contacts.themes import Theme
from dialer.contacts.themes.columns import alias_index, header_key, theme_fields
from dialer.core.columns import utcnow

ALIAS = ColumnAlias.__table__  # type: ignore[attr-defined]
IGNORE_WORDS = frozenset({"", "ignorer", "ignore"})


@dataclass(frozen=True)
class Choice:
    header: str  # as the fund wrote it
    field_name: str  # "" = ignore the column


def parse_map_options(values: list[str]) -> list[tuple[str, str]]:
    """``["N° sécu=NIR", "Commentaire=ignorer"]`` -> pairs; a malformed one is refused."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        source, sep, target = value.rpartition("=")
        if not sep or not source.strip():
            raise ImportRefused(
                f"Correspondance « {value} » mal écrite : attendu « colonne du fichier=colonne "
                "du thème », par exemple « N° sécu=NIR » ou « Commentaire=ignorer »."
            )
        pairs.append((source.strip(), target.strip()))
    return pairs


def resolve_choices(theme: Theme, pairs: list[tuple[str, str]]) -> dict[str, Choice]:
    """Choices by header key; a target the theme does not know is refused."""
    index = alias_index(theme)
    choices: dict[str, Choice] = {}
    for source, target in pairs:
        if header_key(target) in IGNORE_WORDS or target.casefold() in IGNORE_WORDS:
            choices[header_key(source)] = Choice(source, "")
            continue
        spec = index.get(header_key(target))
        if spec is None:
            known = ", ".join(spec.label_fr for spec in theme_fields(theme))
            raise ImportRefused(
                f"Colonne « {target} » inconnue du thème de la campagne (pour « {source} ») : "
                f"choisissez parmi {known}, ou « ignorer »."
            )
        choices[header_key(source)] = Choice(source, spec.name)
    return choices


def load_choices(conn: Connection, fund_id: int, theme: Theme) -> dict[str, Choice]:
    query = select(ALIAS).where(ALIAS.c.fund_id == fund_id, ALIAS.c.theme == theme.key)
    return {row.header_key: Choice(row.header, row.field_name) for row in conn.execute(query)}


def save_choices(
    conn: Connection, fund_id: int, theme: Theme, choices: dict[str, Choice], author: str
) -> None:
    if not choices:
        return
    conn.execute(
        delete(ALIAS).where(
            ALIAS.c.fund_id == fund_id,
            ALIAS.c.theme == theme.key,
            ALIAS.c.header_key.in_(list(choices)),
        )
    )
    now = utcnow()
    conn.execute(
        insert(ALIAS),
        [
            {
                "fund_id": fund_id,
                "theme": theme.key,
                "header_key": key[:200],
                "header": choice.header[:200],
                "field_name": choice.field_name,
                "author": author[:100],
                "updated_at": now,
            }  # fmt: skip
            for key, choice in choices.items()
        ],
    )


def apply_choices(
    theme: Theme, header: list[str], choices: dict[str, Choice]
) -> tuple[list[str], tuple[str, ...]]:
    """The header as the parser should read it, and the headers ignored on request."""
    labels = {spec.name: spec.label_fr for spec in theme_fields(theme)}
    renamed: list[str] = []
    ignored: list[str] = []
    for name in header:
        choice = choices.get(header_key(name))
        if choice is None or (choice.field_name and choice.field_name not in labels):
            renamed.append(name)
        elif choice.field_name:
            renamed.append(labels[choice.field_name])
        else:
            renamed.append(name)
            ignored.append(name.strip())
    return renamed, tuple(ignored)
