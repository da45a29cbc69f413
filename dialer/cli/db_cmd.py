"""``dialer db``: schema migrations."""

from __future__ import annotations

import typer

from dialer.cli.context import console, runtime
from dialer.operations import migrate

db_app = typer.Typer(help="Schéma de la base de données.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(revision: str = "head") -> None:
    """Applique les migrations jusqu'à REVISION (head par défaut)."""
    migrate.upgrade(runtime().engine, revision)
    console.print(f"Base à jour ({revision}).")


@db_app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="révision cible, ou base")) -> None:
    """Revient à une révision antérieure."""
    migrate.downgrade(runtime().engine, revision)
    console.print(f"Base ramenée à {revision}.")
