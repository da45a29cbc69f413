"""The DPO's commands end to end, on the same database the fixtures fill."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

import dialer.cli.privacy_cmd  # noqa: F401  (registers the commands until commands.py does)
from dialer.cli.context import runtime
from dialer.cli.main import app
from dialer.contacts.people.models import Person
from dialer.core.crypto import DataCipher, KeyRing
from tests.dialer.compliance.privacy.conftest import World

runner = CliRunner()


@pytest.fixture
def key_file(cli_key_file: Path) -> Path:
    return cli_key_file


def _run(*args: str, stdin: str | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def test_dpo_commands(
    engine: Engine, cipher: DataCipher, world: World, key_file: Path, tmp_path: Path
) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[0]
    with Session(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        nir = cipher.decrypt(person.nir_cipher or "", "nir")

    assert "Chaîne intacte." in _run("audit", "verify")
    letter = _run("rights", "access", "-", "--actor", "dpo1", stdin=nir + "\n")
    assert "Réponse à votre demande d'accès" in letter and f"NIR : {nir}" in letter
    refused = _run("rights", "rectify", nir, "phone=08 99 12 34 56", "--reason", "c1", code=1)
    assert "numéro surtaxé" in refused
    assert "phone_e164" in _run("rights", "rectify", nir, "phone=06 98 76 54 32", "--reason", "c1")
    assert "Traitement limité." in _run("rights", "limit", nir, "--reason", "c2")
    assert "déjà limité" in _run("rights", "limit", nir, "--reason", "c2")
    assert "Limitation levée." in _run("rights", "unlimit", nir, "--reason", "c3")
    assert "Refus des appels" in _run("rights", "refuse-calls", nir)
    assert "déjà enregistré : rien n'a changé" in _run("rights", "refuse-calls", nir)
    assert "Aucune personne" in _run("rights", "limit", "184127511108988", "--reason", "x", code=1)
    assert "Personnes anonymisées (inactives depuis plus de 2 ans) : 0" in _run(
        "retention", "report"
    )
    assert "Purge effectuée" in _run("retention", "purge")

    export = tmp_path / "trail.csv"
    _run("audit", "export", "--person", str(person_id), "--output", str(export))
    rows = export.read_text(encoding="utf-8").splitlines()
    # access, rectify, limit twice, unlimit, refuse-calls; the refused rectification left nothing
    assert len(rows) == 1 + 6 and all(nir not in row for row in rows)

    assert "Nouvelle clé active : k2." in _run("keys", "rotate")
    assert set(KeyRing.from_json(key_file.read_text()).keys) == {"k2"}
    runtime.cache_clear()  # the service restarts with the new key ring
    assert f"NIR : {nir}" in _run("rights", "access", nir)

    with engine.begin() as conn:
        conn.execute(text("UPDATE accessentry SET detail = 'effacé' WHERE id = 2"))
    broken = _run("audit", "verify", code=1)
    assert "Entrée n° 2 modifiée" in broken
