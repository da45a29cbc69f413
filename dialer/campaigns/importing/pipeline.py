"""Import a fund's contact file into a campaign.

Every data row ends in exactly one count of the summary: stored, updated,
unchanged, merged or rejected (with its line, column and reason). The rows are
stored in one transaction: a refused, crashed or killed import stores nothing,
and its job is closed as refused or failed (see ``dialer.campaigns.importing.jobs``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.importing.defects import defect_reject
from dialer.campaigns.importing.indexes import REBUILD_FROM_ROWS, indexes_set_aside
from dialer.campaigns.importing.jobs import (
    FAILED_FR,
    finish_job,
    recover_interrupted_jobs,
    start_job,
)
from dialer.campaigns.importing.mapping import (
    Choice,
    apply_choices,
    load_choices,
    parse_map_options,
    resolve_choices,
    save_choices,
)
from dialer.campaigns.importing.models import ImportJob, ImportStatus
from dialer.campaigns.importing.parsing import (
    ParseContext,
    free_batch_cycles,
    parse_rows,
    quiet_collector,
)
from dialer.campaigns.importing.progress import ImportTick, Progress, count_lines
from dialer.campaigns.importing.records import ContactRecord, open_theme_data
from dialer.campaigns.importing.report import ImportSummary
from dialer.campaigns.importing.source import (
    FileFormat,
    ImportRefused,
    RecordReader,
    Row,
    inspect_file,
)
from dialer.campaigns.importing.store import store_batch
from dialer.campaigns.models import Campaign
from dialer.contacts.funds import Fund
from dialer.contacts.territories import Territory
from dialer.contacts.themes import ColumnMapping, Theme, get_theme, match_columns
from dialer.core.columns import require_id
from dialer.core.crypto import DataCipher
from dialer.core.db import refresh_statistics

PARALLEL_FROM_ROWS = 20_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOptions:
    max_bytes: int = 200 * 1024 * 1024
    batch_size: int = 5000
    author: str = "cli"
    # Helper processes parsing rows while this one stores them (large files only).
    parse_workers: int = max(1, min(2, (os.cpu_count() or 1)))
    # Columns the theme does not declare refuse the file instead of being dropped.
    refuse_unknown: bool = False
    # (fund's header, theme column or « ignorer »), remembered for the fund and theme.
    column_map: tuple[tuple[str, str], ...] = field(default=())
    # From this many rows, and no fewer than a table holds, SQLite stores the file with
    # the indexes the import never reads set aside (see importing.indexes).
    rebuild_indexes_from_rows: int = REBUILD_FROM_ROWS


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
    recover_interrupted_jobs(engine)
    target = _load_target(engine, campaign_id)
    job = start_job(engine, target.campaign, path, opts.author)
    try:
        with quiet_collector():
            summary = _run(engine, target, job, path, cipher, opts, progress)
    except ImportRefused as refusal:
        finish_job(engine, job, None, status=ImportStatus.REFUSED, message=str(refusal))
        raise
    except BaseException:
        _close_failed(engine, job)
        raise
    finish_job(engine, job, summary, status=ImportStatus.DONE, message=summary.text_fr())
    return summary, job


def _close_failed(engine: Engine, job: ImportJob) -> None:
    try:
        finish_job(engine, job, None, status=ImportStatus.FAILED, message=FAILED_FR)
    except Exception:
        # The database itself is failing: the original error matters more. The job
        # stays "running" until the next start-up closes it (this process is gone then).
        log.exception("import job %s could not be closed as failed", job.id)


def map_options(pairs: list[str]) -> tuple[tuple[str, str], ...]:
    """``--map`` values as ImportOptions.column_map; a malformed one is refused."""
    return tuple(parse_map_options(pairs))


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
    expected = count_lines(path, progress)
    explicit = resolve_choices(target.theme, list(opts.column_map))
    reader = RecordReader(path, fmt)
    rows = iter(reader)
    summary = ImportSummary(encoding=fmt.encoding, delimiter=fmt.delimiter)
    with engine.begin() as conn:
        choices = {**load_choices(conn, require_id(target.fund), target.theme), **explicit}
        mapping = _read_header(rows, target.theme, choices, opts, summary)
        with indexes_set_aside(conn, expected, opts.rebuild_indexes_from_rows):
            _store_all(conn, rows, reader, mapping, target, job, cipher, opts, summary,
                       expected, progress, started)  # fmt: skip
        if summary.rows == 0:
            raise ImportRefused(
                "Le fichier ne contient que la ligne d'en-tête (ligne 1) : aucun contact à "
                "importer, rien n'a été importé."
            )
        save_choices(conn, target.fund.id or 0, target.theme, explicit, opts.author)
    with engine.begin() as conn:
        refresh_statistics(conn, "person", "campaigncontact", "consententry")
    summary.seconds = time.perf_counter() - started
    if progress:
        progress(_tick(summary, summary.rows, started))
    return summary


def _store_all(
    conn: Connection,
    rows: Iterator[Row],
    reader: RecordReader,
    mapping: ColumnMapping,
    target: _Target,
    job: ImportJob,
    cipher: DataCipher,
    opts: ImportOptions,
    summary: ImportSummary,
    expected: int,
    progress: Progress | None,
    started: float,
) -> None:
    assert job.id is not None
    plain_of = _plain_of(target, cipher)
    batches = _batches(rows, reader, mapping, target, cipher, summary, opts, expected)
    for number, batch in enumerate(batches, start=1):
        store_batch(conn, batch, target.campaign.id or 0, job.id, plain_of, summary)
        free_batch_cycles(number)
        if progress:
            progress(_tick(summary, expected, started))
    _drain_defects(reader, mapping, summary)


def _tick(summary: ImportSummary, expected: int, started: float) -> ImportTick:
    elapsed = max(time.perf_counter() - started, 1e-6)
    return ImportTick(
        phase="import", done=summary.rows, expected=max(expected, summary.rows),
        rejected=summary.rejected_rows, rows_per_second=summary.rows / elapsed,
    )  # fmt: skip


def _read_header(
    rows: Iterator[Row],
    theme: Theme,
    choices: dict[str, Choice],
    opts: ImportOptions,
    summary: ImportSummary,
) -> ColumnMapping:
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportRefused("Le fichier est vide : aucune ligne d'en-tête.") from None
    renamed, ignored = apply_choices(theme, header, choices)
    mapping = match_columns(theme, renamed)
    if not mapping.known:
        raise ImportRefused(
            "Aucune colonne reconnue dans la ligne d'en-tête (ligne 1) : vérifiez-la "
            "(Nom, Prénom, Téléphone…) ou indiquez la correspondance des colonnes."
        )
    if mapping.duplicates:
        raise ImportRefused(
            "Colonne en double dans la ligne d'en-tête (ligne 1) : "
            + ", ".join(f"« {name} »" for name in mapping.duplicates)
            + ". Une seule colonne par information : retirez ou renommez le doublon."
        )
    dropped = tuple(name for name in mapping.unknown if name not in ignored)
    if dropped and opts.refuse_unknown:
        raise ImportRefused(
            "Colonnes non prévues par le thème de la campagne, refusées à votre demande : "
            + ", ".join(f"« {name} »" for name in dropped)
            + " (ligne 1)."
        )
    if mapping.missing:
        raise ImportRefused(
            "Colonnes obligatoires manquantes dans la ligne d'en-tête (ligne 1) : "
            + ", ".join(mapping.missing)
            + "."
        )
    summary.dropped_columns, summary.ignored_columns = dropped, ignored
    return mapping


def _batches(
    rows: Iterator[Row],
    reader: RecordReader,
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
        _drain_defects(reader, mapping, summary)
        batch.extend(parsed.records)
        if len(batch) >= opts.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _drain_defects(reader: RecordReader, mapping: ColumnMapping, summary: ImportSummary) -> None:
    defects, reader.defects = reader.defects, []
    for defect in defects:
        summary.rows += 1
        summary.add_rejects([defect_reject(defect, mapping)])


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


__all__ = ["FileFormat", "ImportOptions", "ImportRefused", "import_contacts", "map_options"]
