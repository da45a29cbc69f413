"""``dialer prestart``: the one-time start-up work, before the service or a worker starts."""

from __future__ import annotations

from dialer.cli.context import console, fail, settings
from dialer.core.settings import Settings, UnsafeSettings
from dialer.operations.prestart import prestart as run_prestart


def prestart() -> None:
    """Prépare le démarrage : clés, schéma, scripts d'appel (et démo si DIALER_DEMO_DATA)."""
    done = run_prestart(settings_fit_to_serve())
    console.print(f"Base à jour ; scripts d'appel ajoutés : {done.scripts_added}.")
    if done.demo_loaded:
        console.print("Données de démonstration chargées.")


def settings_fit_to_serve() -> Settings:
    """The settings, or the French reason a service must not start with them and an exit."""
    chosen = settings()
    try:
        chosen.check_fit_to_serve()
    except UnsafeSettings as error:
        raise fail(error.message, 2) from None
    return chosen
