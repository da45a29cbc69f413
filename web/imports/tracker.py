"""Runs contact-file imports in background threads and keeps their progress.

The import itself is ``dialer.campaigns.importing.import_contacts``; this only gives the
page a ticket to poll. Progress lives in memory: after a restart the finished
imports are still listed from their ImportJob rows, only live bars are lost.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from dialer.campaigns.importing.jobs import FAILED_FR
from dialer.campaigns.importing.pipeline import ImportOptions, ImportRefused, import_contacts
from dialer.campaigns.importing.progress import ImportTick
from dialer.core.runtime import Runtime

log = logging.getLogger(__name__)
HOLD_SECONDS = 3600


@dataclass(frozen=True)
class ImportRequest:
    """What the manager asked for on the upload page."""

    campaign_id: int
    path: Path
    author: str
    refuse_unknown: bool = False
    column_map: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImportProgress:
    ticket: str
    campaign_id: int
    filename: str
    status: str = "running"  # running, done, refused, failed
    done: int = 0
    expected: int = 0
    message: str = ""
    job_id: int | None = None
    rejected: int = 0
    phase: str = "scan"  # scan (done/expected in bytes), import (in rows)
    rows_per_second: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status != "running"


class ImportTracker:
    def __init__(self, runtime: Runtime, workers: int = 2) -> None:
        self.runtime = runtime
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import")
        self._lock = threading.Lock()
        self._progress: dict[str, ImportProgress] = {}
        self._held: dict[str, tuple[float, ImportRequest]] = {}

    def start(self, request: ImportRequest) -> str:
        """Import the file (deleting its folder afterwards); returns the ticket to poll."""
        ticket = secrets.token_urlsafe(16)
        name = request.path.name
        self._set(ImportProgress(ticket=ticket, campaign_id=request.campaign_id, filename=name))
        self._pool.submit(self._run, ticket, request)
        return ticket

    def hold(self, request: ImportRequest) -> str:
        """Keep an upload while the manager maps its columns; returns its token."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._drop_abandoned()
            self._held[token] = (time.monotonic(), request)
        return token

    def release(self, token: str, campaign_id: int) -> ImportRequest | None:
        with self._lock:
            held = self._held.get(token)
            if held is None or held[1].campaign_id != campaign_id:
                return None
            del self._held[token]
            return held[1]

    def _drop_abandoned(self) -> None:
        # An upload nobody maps holds personal data: it must not linger.
        now = time.monotonic()
        for token, (since, request) in list(self._held.items()):
            if now - since > HOLD_SECONDS:
                del self._held[token]
                shutil.rmtree(request.path.parent, ignore_errors=True)

    def get(self, ticket: str) -> ImportProgress | None:
        with self._lock:
            return self._progress.get(ticket)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for _since, request in self._held.values():
                shutil.rmtree(request.path.parent, ignore_errors=True)
            self._held.clear()

    def _set(self, progress: ImportProgress) -> None:
        with self._lock:
            self._progress[progress.ticket] = progress

    def _update(self, ticket: str, **changes: object) -> None:
        with self._lock:
            self._progress[ticket] = replace(self._progress[ticket], **changes)  # type: ignore[arg-type]

    def _run(self, ticket: str, request: ImportRequest) -> None:
        settings = self.runtime.settings
        options = ImportOptions(
            max_bytes=settings.import_max_bytes,
            batch_size=settings.import_batch_size,
            author=request.author,
            refuse_unknown=request.refuse_unknown,
            column_map=request.column_map,
        )
        campaign_id, path = request.campaign_id, request.path

        def progress(tick: ImportTick) -> None:
            self._update(
                ticket, phase=tick.phase, done=tick.done, expected=max(tick.expected, tick.done),
                rejected=tick.rejected, rows_per_second=tick.rows_per_second,
            )  # fmt: skip

        try:
            summary, job = import_contacts(
                self.runtime.engine, campaign_id, path, self.runtime.cipher, options, progress
            )
            self.runtime.metrics.import_finished(summary)
            self._update(
                ticket, status="done", message=summary.text_fr(), job_id=job.id,
                rejected=summary.rejected_rows, phase="import",
            )  # fmt: skip
        except ImportRefused as refusal:
            self._update(ticket, status="refused", message=str(refusal))
        except Exception:
            log.exception("import %s into campaign %s failed", ticket, campaign_id)
            self._update(ticket, status="failed", message=FAILED_FR)
        finally:
            # The uploaded copy holds personal data: it must not outlive the import.
            shutil.rmtree(path.parent, ignore_errors=True)
