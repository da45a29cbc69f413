"""The life of an ImportJob: started, then done, refused or failed, never left running.

The import stores its rows in one transaction, so a crash or a kill stores
nothing; what remains is the job row, committed beforehand so the page can
follow it. A job whose process is gone is closed as failed by
``recover_interrupted_jobs``, which the service runs at start-up and every
import runs before its own.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.importing.models import ImportJob, ImportStatus
from dialer.campaigns.importing.report import ImportSummary
from dialer.campaigns.models import Campaign
from dialer.core.columns import utcnow

INTERRUPTED_FR = (
    "Import interrompu (processus arrêté avant la fin) : rien n'a été importé, "
    "relancez l'import du fichier."
)
FAILED_FR = (
    "L'import a échoué sur une erreur interne : rien n'a été importé, l'incident est consigné."
)
# A job owned by another machine cannot be probed; past this age it cannot be alive.
FOREIGN_JOB_MAX_AGE = timedelta(hours=12)


# Tells this process from an earlier one with the same pid (pid 1 in a container).
_INCARNATION = uuid.uuid4().hex[:8]


def owner_tag() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{_INCARNATION}"


def start_job(engine: Engine, campaign: Campaign, path: Path, author: str) -> ImportJob:
    job = ImportJob(
        campaign_id=campaign.id or 0,
        filename=path.name[:255],
        sha256=_sha256(path),
        size_bytes=path.stat().st_size if path.exists() else 0,
        author=author,
        owner=owner_tag(),
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(job)
        session.commit()
        session.refresh(job)
    return job


def finish_job(
    engine: Engine, job: ImportJob, summary: ImportSummary | None, status: str, message: str
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(ImportJob, job.id)
        assert stored is not None
        stored.status = status
        stored.message = message[:500]
        stored.finished_at = utcnow()
        if summary is not None:
            _copy_counts(stored, summary)
        session.add(stored)
        session.commit()
        session.refresh(stored)
        job.__dict__.update(stored.__dict__)


def recover_interrupted_jobs(engine: Engine) -> int:
    """Close as failed every running job whose process is gone; returns how many."""
    with Session(engine) as session:
        running = session.exec(
            select(ImportJob).where(ImportJob.status == ImportStatus.RUNNING)
        ).all()
        closed = 0
        for job in running:
            if _owner_alive(job):
                continue
            job.status, job.message, job.finished_at = ImportStatus.FAILED, INTERRUPTED_FR, utcnow()
            session.add(job)
            closed += 1
        session.commit()
    return closed


def _owner_alive(job: ImportJob) -> bool:
    host, pid, incarnation = ((job.owner or "").split(":") + ["", "", ""])[:3]
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return utcnow() - job.started_at < FOREIGN_JOB_MAX_AGE
    if int(pid) == os.getpid():
        return incarnation == _INCARNATION
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _copy_counts(job: ImportJob, summary: ImportSummary) -> None:
    job.encoding, job.delimiter = summary.encoding, summary.delimiter
    job.rows_total, job.stored, job.merged = summary.rows, summary.stored, summary.merged
    job.updated, job.unchanged = summary.updated, summary.unchanged
    job.rejected = summary.rejected_rows
    job.reject_report = summary.report_csv()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.exists():
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
