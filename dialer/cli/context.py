"""Builds the runtime for a command from the settings (the CLI's composition root)."""

from __future__ import annotations

from functools import lru_cache

import typer
from pydantic import ValidationError
from rich.console import Console

from dialer.core.runtime import Runtime, build_runtime
from dialer.core.settings import Settings

console = Console()
errors = Console(stderr=True)


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    return build_runtime(settings())


def settings() -> Settings:
    """The settings, or a French message naming each bad DIALER_ variable and an exit."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "DIALER_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = str(problem.get("ctx", {}).get("error") or problem["msg"])
            errors.print(f"[bold red]Réglage invalide[/] {name} : {message}", soft_wrap=True)
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]Erreur :[/] {message}")
    return typer.Exit(code)
