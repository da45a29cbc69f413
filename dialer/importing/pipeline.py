"""Import a fund's contact file into a campaign.

Every data row ends in exactly one count of the summary: stored, updated,
unchanged, merged or rejected (with its line, column and reason). Checks that
refuse the whole file run before anything is stored.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.db import refresh_statistics
from dialer.importing.parsing import ParseContext, parse_rows
from dialer.importing.records import (
    ContactRecord,
    open_theme_data,
)
from dialer.importing.report import ImportSummary, reject_report_csv
from dialer.importing.source import FileFormat, ImportRefused, inspect_file, iter_rows
from dialer.importing.store import store_batch
from dialer.models import Campaign, Fund, ImportJob, utcnow
from dialer.models.base import require_id
from dialer.models.imports import ImportStatus
from dialer.privacy.crypto import DataCipher
from dialer.territories import Territory
from dialer.themes import ColumnMapping, Theme, get_theme, match_columns

Progress = Callable[[int, int], None]  # (rows done, rows expected)
PARALLEL_FROM_ROWS = 20_000


@dataclass(frozen=True)
class ImportOptions:
    max_bytes: int = 200 * 1024 * 1024
    batch_size: int = 5000
    author: str = "cli"
    # Helper processes parsing rows while this one stores them (large files only).
    parse_workers: int = max(1, min(2, (os.cpu_count() or 1)))


@dataclass
class _Target:
    campaign: Campaign
    fund: Fund
    theme: Theme
    secret_keys: set[str]


def import_contacts(
    engine: Engine,
    campaign_id: int,
    path: Path,
    cipher: DataCipher,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> tuple[ImportSummary, ImportJob]:
    """Import ``path`` into the campaign; raises ImportRefused for a refused file."""
    opts = options or ImportOptions()
    target = _load_target(engine, campaign_id)
    job = _start_job(engine, target.campaign, path, opts.author)
    try:
        summary = _run(engine, target, job, path, cipher, opts, progress)
    except ImportRefused as refusal:
        _finish_job(engine, job, None, status=ImportStatus.REFUSED, message=str(refusal))
        raise
    _finish_job(engine, job, summary, status=ImportStatus.DONE, message=summary.text_fr())
    return summary, job


def _run(
    engine: Engine,
    target: _Target,
    job: ImportJob,
    path: Path,
    cipher: DataCipher,
    opts: ImportOptions,
    progress: Progress | None,
) -> ImportSummary:
    started = time.perf_counter()
    fmt = inspect_file(path, opts.max_bytes)
    rows = iter_rows(path, fmt)
    mapping = _read_header(rows, target.theme)
    summary = ImportSummary(encoding=fmt.encoding, delimiter=fmt.delimiter)
    expected = _count_lines(path)
    assert job.id is not None
    for batch in _batches(rows, mapping, target, cipher, summary, opts, expected):
        with engine.begin() as conn:
            store_batch(
                conn, batch, require_id(target.campaign), job.id, _plain_of(target, cipher), summary
            )
        if progress:
            progress(summary.rows, expected)
    with engine.begin() as conn:
        refresh_statistics(conn, "person", "campaigncontact", "consententry")
    summary.seconds = time.perf_counter() - started
    if progress:
        progress(summary.rows, summary.rows)
    return summary


def _read_header(rows: Iterator[tuple[int, list[str]]], theme: Theme) -> ColumnMapping:
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportRefused("Le fichier est vide.") from None
    mapping = match_columns(theme, header)
    if not mapping.known:
        raise ImportRefused(
            "Aucune colonne reconnue : vérifiez la ligne d'en-tête (Nom, Prénom, Téléphone…)."
        )
    if mapping.unknown:
        raise ImportRefused(
            "Colonnes non prévues par le thème de la campagne, refusées : "
            + ", ".join(mapping.unknown)
            + ". Retirez-les du fichier : aucune donnée non déclarée n'est importée."
        )
    if mapping.missing:
        raise ImportRefused(
            "Colonnes obligatoires manquantes : " + ", ".join(mapping.missing) + "."
        )
    return mapping


def _batches(
    rows: Iterator[tuple[int, list[str]]],
    mapping: ColumnMapping,
    target: _Target,
    cipher: DataCipher,
    summary: ImportSummary,
    opts: ImportOptions,
    expected_rows: int,
) -> Iterator[list[ContactRecord]]:
    context = ParseContext(
        theme_key=target.theme.key,
        header=mapping.header,
        fund_id=require_id(target.fund),
        fund_territory=Territory(target.fund.territory),
        key_ring_json=cipher.ring.to_json(),
    )
    workers = opts.parse_workers if expected_rows >= PARALLEL_FROM_ROWS else 0
    batch: list[ContactRecord] = []
    for parsed in parse_rows(rows, context, workers):
        summary.rows += parsed.rows
        summary.split_time_zones += parsed.split_time_zones
        for rejects in parsed.rejects:
            summary.add_rejects(rejects)
        batch.extend(parsed.records)
        if len(batch) >= opts.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _plain_of(target: _Target, cipher: DataCipher) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda data: open_theme_data(data, target.secret_keys, cipher)


def _load_target(engine: Engine, campaign_id: int) -> _Target:
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise ImportRefused(f"Campagne {campaign_id} introuvable.")
        fund = session.get(Fund, campaign.fund_id)
        assert fund is not None
        theme = get_theme(campaign.theme)
        secrets = {spec.name for spec in theme.fields if spec.secret}
        return _Target(campaign=campaign, fund=fund, theme=theme, secret_keys=secrets)


def _start_job(engine: Engine, campaign: Campaign, path: Path, author: str) -> ImportJob:
    job = ImportJob(
        campaign_id=require_id(campaign),
        filename=path.name[:255],
        sha256=_sha256(path),
        size_bytes=path.stat().st_size if path.exists() else 0,
        author=author,
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(job)
        session.commit()
        session.refresh(job)
    return job


def _finish_job(
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


def _copy_counts(job: ImportJob, summary: ImportSummary) -> None:
    job.encoding, job.delimiter = summary.encoding, summary.delimiter
    job.rows_total, job.stored, job.merged = summary.rows, summary.stored, summary.merged
    job.updated, job.unchanged = summary.updated, summary.unchanged
    job.rejected = summary.rejected_rows
    job.reject_report = reject_report_csv(summary.rejects)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.exists():
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
        )


__all__ = ["FileFormat", "ImportOptions", "ImportRefused", "import_contacts"]
