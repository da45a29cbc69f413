"""``dialer import`` end to end: mapping, summary in French, reject report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import dialer.cli.import_cmd  # noqa: F401  (registers the command)
from dialer.campaigns.importing.progress import ImportTick
from dialer.cli.import_cmd import describe_tick
from dialer.cli.main import app
from tests.dialer.campaigns.importing.conftest import GOOD, HEADER, write

runner = CliRunner()


@pytest.fixture
def cli_env(cli_key_file: Path) -> None:
    """The command's environment (``cli_key_file``), under the name these tests use."""


def test_import_with_a_mapped_column_and_a_rejected_row(
    cli_env: None, campaign_id: int, tmp_path: Path
) -> None:
    header = HEADER.replace(";NIR;", ";N° sécu;") + ";Commentaire"
    lines = [header, *[g + ";x" for g in GOOD], "R9;bad;X;Y;01/01/1990;75001;0612345678;x"]
    path = write(tmp_path / "caisse.csv", lines)
    result = runner.invoke(app, ["import", str(campaign_id), str(path), "--map", "N° sécu=NIR"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "4 lignes lues : 3 ajoutées, 0 mise à jour" in said and "1 rejetée." in said
    assert "ignorées et non enregistrées : « Commentaire »" in said
    report = (tmp_path / "caisse.rejets.csv").read_bytes().decode("utf-8")
    assert report.splitlines()[1].startswith("5;R9;NIR;")


def test_a_malformed_map_is_refused_in_french(
    cli_env: None, campaign_id: int, tmp_path: Path
) -> None:
    path = write(tmp_path / "caisse.csv", [HEADER, *GOOD])
    result = runner.invoke(app, ["import", str(campaign_id), str(path), "--map", "N° sécu"])
    assert result.exit_code == 1
    assert "mal écrite" in " ".join(result.output.split())


def test_the_progress_line_shows_the_scan_then_rate_and_rejects() -> None:
    assert describe_tick(ImportTick("scan", 2_500_000, 9_000_000)) == (
        "Lecture préalable", "2,5 Mo parcourus",
    )  # fmt: skip
    label, detail = describe_tick(ImportTick("import", 12_345, 100_000, 1, 25_000.4))
    assert label == "Import"
    assert detail == "12\u202f345/100\u202f000 lignes · 25\u202f000 lignes/s · 1 rejetée"
