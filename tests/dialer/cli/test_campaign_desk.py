"""``dialer campaign desk``: manual dial and answering-machine handling per campaign."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from dialer.campaigns.models import Campaign
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.cli.context import runtime
from dialer.cli.main import app
from dialer.contacts.territories import Territory
from dialer.core.db import make_engine


@pytest.fixture
def cli_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DIALER_DATABASE_URL", url)
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(tmp_path / "keys.json"))
    runtime.cache_clear()
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as db:
        fund = create_fund(db, "CPAM13", "CPAM des Bouches-du-Rhône", Territory.METRO)
        create_campaign(db, "GRIPPE-13", "Grippe", "flu_vaccination", fund, "0162000000")
        db.commit()
    yield engine
    runtime().engine.dispose()
    runtime.cache_clear()
    engine.dispose()


def _campaign(engine: Engine) -> Campaign:
    with Session(engine) as db:
        return db.exec(select(Campaign)).one()


def test_defaults_then_each_option(cli_engine: Engine) -> None:
    assert (_campaign(cli_engine).manual_dial, _campaign(cli_engine).answering_machine) == (
        False, "off",
    )  # fmt: skip
    runner = CliRunner()
    done = runner.invoke(app, ["campaign", "desk", "GRIPPE-13", "--appel-manuel",
                               "--repondeur", "message"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "appel manuel autorisé" in done.output and "message neutre" in done.output
    assert (_campaign(cli_engine).manual_dial, _campaign(cli_engine).answering_machine) == (
        True, "message",
    )  # fmt: skip
    refused = runner.invoke(app, ["campaign", "desk", "GRIPPE-13", "--repondeur", "bip"])
    assert refused.exit_code != 0 and "Traitement des répondeurs inconnu" in refused.output
    assert _campaign(cli_engine).answering_machine == "message"  # nothing changed
    off = runner.invoke(app, ["campaign", "desk", "GRIPPE-13", "--sans-appel-manuel"])
    assert off.exit_code == 0 and _campaign(cli_engine).manual_dial is False
