"""The public demo session key is refused anywhere but the embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from dialer.cli.main import app
from dialer.core.settings import Settings, UnsafeSettings
from web.main import create_web_app

PG = "postgresql+psycopg://dialer@127.0.0.1:5432/dialer"


def test_the_embedded_default_may_keep_the_demo_key() -> None:
    Settings(database_url="sqlite:///./var/x.sqlite3", embedded_pbx=True).check_fit_to_serve()


@pytest.mark.parametrize(
    ("database_url", "embedded_pbx"),
    [(PG, True), (PG, False), ("sqlite:///./var/x.sqlite3", False)],
)
def test_outside_it_the_demo_key_is_refused(database_url: str, embedded_pbx: bool) -> None:
    settings = Settings(database_url=database_url, embedded_pbx=embedded_pbx)
    with pytest.raises(UnsafeSettings, match="DIALER_SECRET_KEY"):
        settings.check_fit_to_serve()
    settings.model_copy(update={"secret_key": SecretStr("x" * 64)}).check_fit_to_serve()


@pytest.mark.parametrize("command", [["worker"], ["serve"], ["prestart"]])
def test_the_service_commands_refuse_to_start(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIALER_DATABASE_URL", f"sqlite:///{tmp_path}/d.sqlite3")
    monkeypatch.setenv("DIALER_EMBEDDED_PBX", "false")
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(tmp_path / "keys.json"))
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    assert "clé de démonstration" in result.output
    assert list(tmp_path.iterdir()) == [], "refused before writing anything"


def test_the_web_factory_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALER_DATABASE_URL", PG)
    monkeypatch.setenv("DIALER_EMBEDDED_PBX", "false")
    with pytest.raises(UnsafeSettings):
        create_web_app()
