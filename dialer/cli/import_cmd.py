"""``dialer import CAMPAIGN FILE``: load a fund's contact file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlmodel import Session

from dialer.campaigns.setup import SetupError, find_campaign
from dialer.cli.context import console, fail, runtime
from dialer.importing.pipeline import ImportOptions, ImportRefused, import_contacts
from dialer.models.base import require_id
from dialer.privacy.files import write_private_text


def import_file(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    report: Path | None = typer.Option(None, help="où écrire le rapport de rejets (CSV)"),
) -> None:
    """Importe le fichier de contacts d'une caisse dans une campagne."""
    rt = runtime()
    try:
        with Session(rt.engine) as session:
            campaign_id = require_id(find_campaign(session, campaign))
    except SetupError as error:
        raise fail(str(error)) from error
    options = ImportOptions(
        max_bytes=rt.settings.import_max_bytes, batch_size=rt.settings.import_batch_size
    )
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("Import", total=None)

        def advance(done: int, expected: int) -> None:
            bar.update(task, completed=done, total=max(expected, done))

        try:
            summary, job = import_contacts(
                rt.engine, campaign_id, file, rt.cipher, options, advance
            )
        except ImportRefused as refusal:
            raise fail(f"fichier refusé, rien n'a été importé. {refusal}") from refusal
    console.print(summary.text_fr())
    if summary.rejected_rows:
        target = report or file.with_name(file.stem + ".rejets.csv")
        write_private_text(target, job.reject_report or "")
        console.print(f"Rapport de rejets : {target}")
