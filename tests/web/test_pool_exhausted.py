"""A rush that takes every database connection gets a French 503 with Retry-After, never a 500."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.core.db import make_engine
from dialer.core.runtime import build_runtime
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from tests.web.conftest import PASSWORD, csrf_of
from web.main import create_app


def _settings(database_url: str, tmp_path: Path, **pool: object) -> Settings:
    chosen = Settings(
        database_url=database_url,
        data_key_file=tmp_path / "keys.json",
        embedded_pbx=False,
        demo_data=False,
        **pool,  # type: ignore[arg-type]
    )
    prestart(chosen)
    return chosen


def test_the_pool_is_sized_from_the_settings(database_url: str, tmp_path: Path) -> None:
    settings = _settings(
        database_url, tmp_path, db_pool_size=7, db_max_overflow=3, db_pool_timeout_s=4.0
    )
    engine = build_runtime(settings).engine
    try:
        pool = engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout) == (7, 3, 4.0)  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_an_in_memory_database_takes_the_sizing_without_failing() -> None:
    # In-memory SQLite keeps one shared connection: sizing it would raise TypeError.
    engine = make_engine("sqlite://", pool_size=3, max_overflow=1, pool_timeout=1.0)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("select 1").scalar() == 1
    finally:
        engine.dispose()


def test_no_free_connection_is_a_french_503_with_retry_after(
    database_url: str, tmp_path: Path, password_hash: str
) -> None:
    settings = _settings(
        database_url, tmp_path, db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=0.2
    )
    app = create_app(settings)
    engine = app.state.runtime.engine
    with Session(engine) as db:
        db.add(User(username="agent1", full_name="Agent Un", role="agent",
                    password_hash=password_hash, phone_endpoint="901"))  # fmt: skip
        db.commit()
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            token = csrf_of(client)
            form = {"identifiant": "agent1", "mot_de_passe": PASSWORD, "csrf_token": token}
            held = engine.connect()  # the one connection, busy elsewhere
            try:
                refused = client.post("/connexion", data=form, follow_redirects=False)
            finally:
                held.close()
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "2"
            assert "Service momentanément saturé" in refused.text
            # Once a connection is free again the same sign-in goes through.
            accepted = client.post("/connexion", data=form, follow_redirects=False)
            assert accepted.status_code == 303
    finally:
        app.state.web.imports.shutdown()
        engine.dispose()
