"""Builds the runtime for a command from the settings (the CLI's composition root)."""

from __future__ import annotations

from functools import lru_cache

import typer
from rich.console import Console

from dialer.runtime import Runtime, build_runtime
from dialer.settings import Settings

console = Console()
errors = Console(stderr=True)


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    return build_runtime(Settings())


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[bold red]Erreur :[/] {message}")
    return typer.Exit(code)
