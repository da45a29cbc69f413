"""The ``dialer`` command line: one sub-command per job an operator does."""

from __future__ import annotations

import typer

app = typer.Typer(help="Numéroteur de campagnes d'appels sortants.", no_args_is_help=True)


def _register() -> None:
    # Sub-command modules add themselves here; imported lazily to keep start-up fast.
    from dialer.cli import commands  # noqa: F401


_register()
