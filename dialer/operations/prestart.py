"""One-time start-up work, done before any process serves: ``dialer prestart``.

The factories that build the web app and the dialing service only read: the key
file, the schema, the script catalogue (and, on the embedded default, the demo data)
are made ready before they run, by systemd's ``ExecStartPre``, ``run.py serve``,
``dialer serve`` and the tests' fixtures. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import dialer.operations.schema  # noqa: F401  (registers the tables)
from dialer.campaigns.importing.jobs import recover_interrupted_jobs
from dialer.core.columns import utcnow
from dialer.core.runtime import build_runtime
from dialer.core.settings import Settings
from dialer.demo.seed import seed_demo
from dialer.engine.reports.rollup import roll_up_all
from dialer.operations import migrate
from scripts.versions import ensure_default_versions


@dataclass(frozen=True)
class Prestarted:
    scripts_added: int
    demo_loaded: bool


def prestart(settings: Settings, *, demo: bool | None = None) -> Prestarted:
    """Key file, schema, script catalogue, and demo data when ``demo`` (default: the setting)."""
    # Building the runtime creates the key file when there is none.
    runtime = build_runtime(settings, create_keys=True)
    try:
        added = prepare_storage(runtime.engine)
        # Imports killed with the previous service stored nothing; their jobs are closed here.
        recover_interrupted_jobs(runtime.engine)
        # Reports read settled hours from their rollup: the first roll-up of a long history
        # (after the upgrade that brings it) is paid here once, not by a manager's page.
        roll_up_all(runtime.engine, utcnow())
        wanted = settings.demo_data if demo is None else demo
        loaded = wanted and seed_demo(runtime.engine, runtime.cipher)
    finally:
        runtime.engine.dispose()
    return Prestarted(scripts_added=added, demo_loaded=loaded)


def prepare_storage(engine: Engine) -> int:
    """Schema up to date and the default call scripts present; returns the scripts added."""
    prepare_database(engine)
    return ensure_default_versions(engine)


def prepare_database(engine: Engine) -> None:
    """Migrate when the project has migrations, else create the tables directly."""
    versions = migrate.MIGRATIONS_DIR / "versions"
    if any(path.name != "__init__.py" for path in versions.glob("*.py")):
        migrate.upgrade(engine)
    else:
        SQLModel.metadata.create_all(engine)
