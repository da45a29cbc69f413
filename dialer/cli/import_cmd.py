"""``dialer import CAMPAIGN FILE``: load a fund's contact file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from sqlmodel import Session

from dialer.campaigns.importing.pipeline import (
    ImportOptions,
    ImportRefused,
    import_contacts,
    map_options,
)
from dialer.campaigns.importing.progress import ImportTick
from dialer.campaigns.setup import SetupError, find_campaign
from dialer.cli.context import console, fail, runtime
from dialer.core.columns import require_id
from dialer.core.files import write_private_text
from dialer.core.french import count_fr, number_fr


def import_file(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    report: Path | None = typer.Option(None, help="où écrire le rapport de rejets (CSV)"),
    column_map: list[str] = typer.Option(  # noqa: B008 - typer declares options this way
        [],
        "--map",
        help='colonne du fichier=colonne du thème, par exemple --map "N° sécu=NIR" ou '
        '--map "Commentaire=ignorer" ; retenu pour les prochains fichiers de la caisse',
    ),
    refuse_unknown: bool = typer.Option(
        False,
        "--refuser-colonnes-inconnues",
        help="refuser le fichier s'il a des colonnes non prévues (sinon elles sont ignorées)",
    ),
) -> None:
    """Importe le fichier de contacts d'une caisse dans une campagne."""
    rt = runtime()
    try:
        with Session(rt.engine) as session:
            campaign_id = require_id(find_campaign(session, campaign))
        mapping = map_options(column_map)
    except (SetupError, ImportRefused) as error:
        raise fail(str(error)) from error
    options = ImportOptions(
        max_bytes=rt.settings.import_max_bytes,
        batch_size=rt.settings.import_batch_size,
        refuse_unknown=refuse_unknown,
        column_map=mapping,
    )
    with Progress(
        "[progress.description]{task.description}", BarColumn(),
        TextColumn("{task.fields[detail]}"), TimeRemainingColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("Lecture", total=None, detail="")

        def advance(tick: ImportTick) -> None:
            label, detail = describe_tick(tick)
            bar.update(task, description=label, completed=tick.done, total=tick.expected,
                       detail=detail)  # fmt: skip

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


def describe_tick(tick: ImportTick) -> tuple[str, str]:
    """(bar label, detail) in French for one progress report."""
    if tick.phase == "scan":
        megabytes = f"{tick.done / 1e6:.1f}".replace(".", ",")
        return "Lecture préalable", f"{megabytes} Mo parcourus"
    rate = number_fr(round(tick.rows_per_second))
    rejected = count_fr(tick.rejected, "rejetée", "rejetées")
    return (
        "Import",
        f"{number_fr(tick.done)}/{number_fr(tick.expected)} lignes · {rate} lignes/s · {rejected}",
    )
