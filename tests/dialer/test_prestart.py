"""``dialer prestart``: the one-time start-up work, and nothing of it left to the factories."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, select

from dialer.contacts.funds import Fund
from dialer.core.crypto import CipherError
from dialer.core.db import make_engine
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from scripts.models import ScriptVersion
from web.main import create_app


def _settings(tmp_path: Path, database_url: str, **values: object) -> Settings:
    return Settings(
        database_url=database_url,
        data_key_file=tmp_path / "keys" / "ring.json",
        embedded_pbx=False,
        **values,  # type: ignore[arg-type]
    )


def test_prestart_creates_the_keys_the_schema_and_the_scripts_once(
    tmp_path: Path, database_url: str
) -> None:
    settings = _settings(tmp_path, database_url, demo_data=False)
    first = prestart(settings)
    ring = settings.data_key_file.read_text()
    again = prestart(settings)
    engine = make_engine(database_url)
    with Session(engine) as db:
        scripts = len(db.exec(select(ScriptVersion)).all())
        funds = db.exec(select(Fund)).all()
    engine.dispose()
    assert first.scripts_added == scripts > 0
    assert (again.scripts_added, again.demo_loaded) == (0, False)
    assert settings.data_key_file.read_text() == ring, "the key file is never replaced"
    assert funds == [], "no demo data unless asked"


def test_prestart_loads_the_demo_once_when_the_setting_asks(
    tmp_path: Path, database_url: str
) -> None:
    settings = _settings(tmp_path, database_url, demo_data=True)
    assert prestart(settings).demo_loaded
    assert not prestart(settings).demo_loaded


def test_create_app_writes_no_key_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"sqlite:///{tmp_path}/d.sqlite3", demo_data=False)
    with pytest.raises(CipherError):
        create_app(settings)
    assert not settings.data_key_file.exists()


def test_create_app_touches_no_table(tmp_path: Path, database_url: str) -> None:
    settings = _settings(tmp_path, database_url, demo_data=False)
    prestart(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/keys-only.db"}))
    app = create_app(settings)
    engine = app.state.runtime.engine
    assert inspect(engine).get_table_names() == []
    app.state.web.imports.shutdown()
    engine.dispose()
