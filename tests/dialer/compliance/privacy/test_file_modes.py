"""Files holding personal data or secrets are created owner-only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from dialer.cli.main import app
from dialer.contacts.people.models import Person
from dialer.core.crypto import DataCipher, load_key_ring, save_key_ring
from dialer.core.db import make_engine
from dialer.demo.contact_file import write_contact_file
from tests.dialer.compliance.privacy.conftest import World

runner = CliRunner()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    # The usual service umask: without care every new file would be world-readable.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_sqlite_database_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dialer.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert _mode(path) == 0o600
        assert _mode(path.with_name(path.name + "-wal")) == 0o600
    engine.dispose()
    assert _mode(path.parent) == 0o700


def test_the_key_file_is_owner_only_from_its_creation(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "keys.json"
    ring = load_key_ring(path, None, create=True)
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    save_key_ring(ring.with_new_active_key(), path)
    assert _mode(path) == 0o600


@pytest.fixture
def cli(cli_key_file: Path, engine: Engine) -> Engine:
    return engine


def _run(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_reject_reports_and_exports_are_owner_only(
    cli: Engine, cipher: DataCipher, world: World, tmp_path: Path
) -> None:
    contacts = tmp_path / "avec-rejets.csv"
    write_contact_file(contacts, "flu_vaccination", 20, seed=9, bad_ratio=0.3)
    report = tmp_path / "rejets.csv"
    campaign = str(world.campaigns["flu_vaccination"])
    assert "Rapport de rejets" in _run("import", campaign, str(contacts), "--report", str(report))
    assert report.stat().st_size > 0 and _mode(report) == 0o600

    export = tmp_path / "trace.csv"
    _run("audit", "export", "--output", str(export))
    assert _mode(export) == 0o600

    with Session(cli) as session:
        person = session.get(Person, world.person_ids(cli, "flu_vaccination")[0])
        assert person is not None
        nir = cipher.decrypt(person.nir_cipher or "", "nir")
    letter, full = tmp_path / "courrier.txt", tmp_path / "rapport.json"
    _run("rights", "access", "-", "--output", str(letter), "--json", str(full), stdin=nir + "\n")
    assert _mode(letter) == 0o600 and _mode(full) == 0o600
