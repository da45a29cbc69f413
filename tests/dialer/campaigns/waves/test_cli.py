"""``dialer wave`` end to end, on the database the fixtures create."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from dialer.campaigns.models import Campaign, Wave
from dialer.cli.context import console, runtime
from dialer.cli.main import app
from dialer.contacts.territories import Territory
from tests.dialer.campaigns.waves.builders import Someone, add_someone, members
from tests.dialer.engine.calling.conftest import make_campaign

runner = CliRunner()
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def cli(
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(tmp_path / "keys.json"))
    monkeypatch.delenv("DIALER_DATA_KEY", raising=False)
    monkeypatch.setattr(console, "width", 200)  # a wide terminal: the table on one line a row
    runtime.cache_clear()
    yield engine
    runtime().engine.dispose()
    runtime.cache_clear()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())  # rich wraps long lines at the terminal's width


def _paris(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def test_schedule_list_and_move_a_wave(cli: Engine) -> None:
    campaign_id = make_campaign(cli)
    reunion = Someone(Territory.REUNION, "97400", "CGSS974")
    ids = add_someone(cli, campaign_id, [reunion, Someone(), reunion])
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    out = _run(
        "wave", "schedule", "C1", "--start", _paris(start),
        "--end", _paris(start + timedelta(hours=4)), "--cohort", "filter",
        "--filter", "territory=reunion", "--quota", "CGSS974=1", "--pacing", "predictive",
    )  # fmt: skip
    assert "Vague C1 1 programmée" in out and ": 1 contact." in out
    with Session(cli) as session:
        wave = session.exec(select(Wave)).one()
    assert wave.starts_at == start.replace(tzinfo=None)  # Paris on screen, UTC stored
    assert (wave.pacing_mode, wave.cohort_filter) == ("predictive", {"territory": "reunion"})
    assert members(cli, wave.id or 0) == [ids[0]]
    listing = _run("wave", "list", "C1")
    assert "Programmée" in listing
    assert "cohorte : filtrés (1)" in _run("campaign", "show", "C1")
    # Addressed as « campaign + number within it », never by the table's id.
    assert "démarrée (en cours)" in _run("wave", "start", "C1", "1")
    assert "Vague C1 1 suspendue (en pause)" in _run("wave", "pause", "C1", "1")
    assert "reprise (en cours)" in _run("wave", "resume", "C1", "1")
    assert "arrêtée (arrêtée)" in _run("wave", "stop", "C1", "1")
    assert "Impossible de mettre en pause une vague arrêtée" in _run(
        "wave", "pause", "C1", "1", code=1
    )
    with Session(cli) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == "active"


def test_bad_input_is_reported_in_french(cli: Engine) -> None:
    make_campaign(cli)
    base = ["wave", "schedule", "C1", "--end", "2030-01-01 10:00"]
    assert "date et heure attendues" in _run(*base, "--start", "demain", code=1)
    assert "La fin de la vague doit être postérieure" in _run(
        *base, "--start", "2030-01-02 10:00", code=1
    )
    assert "nom=valeur" in _run(*base, "--start", "2029-12-31 10:00", "--filter", "x", code=1)
    assert "Campagne introuvable : NOPE. Campagnes connues : C1." in _run(
        "wave", "list", "NOPE", code=1
    )
    assert "n'a encore aucune vague" in _run("wave", "start", "C1", "1", code=1)
    assert "Aucune vague" in _run("wave", "list", "C1")
    assert "Argument manquant : « numéro »" in _run("wave", "start", "C1", code=2)


def test_an_overlapping_wave_needs_overlap_ok(cli: Engine) -> None:
    make_campaign(cli)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    times = ("--start", _paris(start), "--end", _paris(start + timedelta(hours=2)))
    _run("wave", "schedule", "C1", *times, "--name", "Matin")
    refused = _run("wave", "schedule", "C1", *times, "--name", "Doublon", code=1)
    assert "chevauche « Matin »" in refused
    assert "programmée" in _run(
        "wave", "schedule", "C1", *times, "--name", "Doublon", "--overlap-ok"
    )
