"""An import process killed mid-file leaves nothing half-stored and no job running."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.importing.jobs import recover_interrupted_jobs
from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.importing.pipeline import import_contacts
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher
from tests.dialer.campaigns.importing.conftest import HEADER, write
from tests.dialer.campaigns.importing.test_bad_input import many_good_rows

ROOT = Path(__file__).resolve().parents[4]


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def statuses(engine: Engine) -> list[str]:
    with Session(engine) as session:
        query = select(ImportJob.status).order_by(ImportJob.id)  # type: ignore[arg-type]
        return list(session.exec(query).scalars())  # type: ignore[call-overload]


def kill_mid_file(
    database_url: str, campaign_id: int, path: Path, cipher: DataCipher, *extra: str
) -> int:
    """Kill an import after its first batch; returns the indexes it had dropped by then.
    ``extra``: the file size from which it sets indexes aside."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.dialer.campaigns.importing.kill_target", database_url,
         str(campaign_id), str(path), *extra],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(cipher.ring.to_json())
    child.stdin.close()
    try:
        said = child.stdout.readline().split()
        assert said[:1] == ["stored"], "the child never stored a batch"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    return int(said[1])


def test_a_killed_import_stores_nothing_and_is_closed_as_failed(
    database_url: str, engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *many_good_rows(200)])
    kill_mid_file(database_url, campaign_id, path, cipher)
    # The kill left the job as its process last wrote it, and no row of it.
    assert statuses(engine) == ["running"]
    assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    assert recover_interrupted_jobs(engine) == 1
    assert statuses(engine) == ["failed"]
    assert recover_interrupted_jobs(engine) == 0


def test_the_next_import_closes_the_killed_one_and_stores_the_file_once(
    database_url: str, engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *many_good_rows(200)])
    kill_mid_file(database_url, campaign_id, path, cipher)
    summary, _ = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows) == (200, 0)
    assert statuses(engine) == ["failed", "done"]
    again, _ = import_contacts(engine, campaign_id, path, cipher)
    assert (again.stored, again.unchanged) == (0, 200)
    assert count(engine, Person) == 200 and count(engine, CampaignContact) == 200
