"""``dialer db``: schema migrations."""

from __future__ import annotations

from collections.abc import Callable

import typer
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from dialer.cli.context import console, fail, runtime
from dialer.operations import migrate

db_app = typer.Typer(help="Schéma de la base de données.", no_args_is_help=True)


def _known_revisions() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    oldest_first = [s.revision for s in script.walk_revisions()][::-1]
    return ", ".join(["base", *oldest_first, "head"])


def _migrate(move: Callable[[Engine, str], None], revision: str) -> None:
    try:
        move(runtime().engine, revision)
    except CommandError:
        # Alembic's reason is English and about its internals; the operator needs the names.
        raise fail(
            f"Révision inconnue ou inatteignable : {revision}. "
            f"Révisions connues, de la plus ancienne à la plus récente : {_known_revisions()}."
        ) from None


@db_app.command("upgrade")
def upgrade(revision: str = typer.Option("head", help="révision cible")) -> None:
    """Applique les migrations jusqu'à la révision donnée (head par défaut)."""
    _migrate(migrate.upgrade, revision)
    console.print(f"Base à jour ({revision}).")


@db_app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="révision cible, ou base")) -> None:
    """Revient à une révision antérieure."""
    _migrate(migrate.downgrade, revision)
    console.print(f"Base ramenée à {revision}.")
