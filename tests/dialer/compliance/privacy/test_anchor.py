"""Attacks by someone who can write to the database, caught by the sealed checkpoints."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import dialer.cli.privacy_cmd  # noqa: F401  (registers the commands until commands.py does)
from dialer.cli.context import runtime
from dialer.cli.main import app
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import GENESIS_HASH, TrailAction, compute_hash, record_access
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope

runner = CliRunner()
ENTRIES = 6


@pytest.fixture
def checkpoints(
    cli_key_file: Path, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    path = tmp_path / "ancrage" / "points.jsonl"
    monkeypatch.setenv("DIALER_TRAIL_CHECKPOINT_FILE", str(path))
    runtime.cache_clear()
    with session_scope(engine) as session:
        for number in range(ENTRIES):
            record_access(
                session, actor=f"agent{number}", actor_role="agent",
                action=TrailAction.SEARCH, person_id=None, fields=["last_name"],
            )  # fmt: skip
    return path


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def _ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return [i for i in session.exec(select(AccessEntry.id).order_by(col(AccessEntry.id))) if i]


def _rechain(engine: Engine) -> None:
    """What an attacker with SQL access does after a deletion: recompute every hash."""
    with Session(engine) as session:
        entries = list(session.exec(select(AccessEntry).order_by(col(AccessEntry.id))))
        previous = GENESIS_HASH
        for entry in entries:
            entry.prev_hash = previous
            previous = compute_hash(entry)
            session.execute(
                text("UPDATE accessentry SET prev_hash = :p, entry_hash = :h WHERE id = :i"),
                {"p": entry.prev_hash, "h": previous, "i": entry.id},
            )
        session.commit()


def _sealed(checkpoints: Path) -> None:
    assert "Point de contrôle écrit" in _run("audit", "checkpoint")
    assert "Chaîne intacte." in _run("audit", "verify")


def test_a_deleted_entry_with_the_chain_recomputed_is_found(
    engine: Engine, checkpoints: Path
) -> None:
    _sealed(checkpoints)
    victim = _ids(engine)[2]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM accessentry WHERE id = :i"), {"i": victim})
    _rechain(engine)
    with Session(engine) as session:
        from dialer.compliance.privacy.chain import verify_chain

        assert verify_chain(session) == []  # the chain alone is fooled
    output = _run("audit", "verify", code=1)
    assert "n'a plus l'empreinte scellée" in output
    assert "des entrées ont été supprimées ou insérées" in output


def test_a_truncated_tail_is_found(engine: Engine, checkpoints: Path) -> None:
    _sealed(checkpoints)
    # The verification above left one more entry: the attacker cuts the last three.
    last_three = _ids(engine)[-3:]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM accessentry WHERE id >= :i"), {"i": min(last_three)})
    output = _run("audit", "verify", code=1)
    assert "absente : la fin de la chaîne a été tronquée ou la chaîne remplacée" in output


def test_a_whole_chain_replaced_is_found(engine: Engine, checkpoints: Path) -> None:
    _sealed(checkpoints)
    count = len(_ids(engine))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM accessentry"))
    with session_scope(engine) as session:
        for number in range(count + 5):
            record_access(
                session, actor=f"faux{number}", actor_role="agent",
                action=TrailAction.SEARCH, person_id=None, fields=[],
            )  # fmt: skip
    output = _run("audit", "verify", code=1)
    assert "la chaîne a été recalculée ou remplacée" in output or "absente" in output


def test_a_forged_checkpoint_line_is_refused(engine: Engine, checkpoints: Path) -> None:
    _sealed(checkpoints)
    lines = checkpoints.read_text(encoding="utf-8").splitlines()
    forged = lines[0].replace('"count": ', '"count": 1')
    checkpoints.write_text("\n".join([*lines, forged]) + "\n", encoding="utf-8")
    assert "ligne 2 : sceau invalide" in _run("audit", "verify", code=1)


def test_checkpoint_file_is_owner_only_appended_and_exported(
    engine: Engine, checkpoints: Path, tmp_path: Path
) -> None:
    _run("audit", "checkpoint")
    _run("audit", "checkpoint")
    assert len(checkpoints.read_text(encoding="utf-8").splitlines()) == 2
    assert stat.S_IMODE(os.stat(checkpoints).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(checkpoints.parent).st_mode) == 0o700
    export = tmp_path / "points.csv"
    _run("audit", "export-checkpoints", "--output", str(export))
    rows = export.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("jour;horodatage_utc;entrees") and len(rows) == 2
    assert stat.S_IMODE(os.stat(export).st_mode) == 0o600


def test_the_service_job_writes_a_sealed_checkpoint(
    engine: Engine, cipher: DataCipher, checkpoints: Path, tmp_path: Path
) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from dialer.compliance.privacy.anchor import check_against_database, read_checkpoints
    from dialer.compliance.privacy.scheduling import CHECKPOINT_JOB_ID, schedule_checkpoints
    from dialer.core.runtime import Runtime
    from dialer.core.settings import Settings

    path = tmp_path / "points.jsonl"
    settings = Settings(trail_checkpoint_file=path, trail_checkpoint_minutes=15)
    service = Runtime(settings=settings, engine=engine, cipher=cipher)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start(paused=True)
    try:
        job = schedule_checkpoints(scheduler, service)
        assert job.id == CHECKPOINT_JOB_ID and "0:15:00" in str(job.trigger)
    finally:
        scheduler.shutdown(wait=False)
    job.func()
    [(_, point)] = list(read_checkpoints(path))
    assert point is not None and point.count == ENTRIES
    with Session(engine) as session:
        assert check_against_database(session, cipher.ring, path) == []
