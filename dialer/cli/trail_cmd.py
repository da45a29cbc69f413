"""``dialer audit checkpoint`` and ``dialer audit export-checkpoints``: the trail's anchors.

Registered on ``dialer audit`` by ``privacy_cmd``, which owns that command group.

A checkpoint is also written on a schedule by the service; the command writes one now
(before a maintenance, or from cron when the service does not run). The export is the
copy the DPO keeps away from the servers: one sealed checkpoint per day.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import typer

from dialer.cli.context import console, runtime
from dialer.compliance.privacy.anchor import daily_checkpoints, take_checkpoint
from dialer.core.db import session_scope
from dialer.core.files import write_private_text

EXPORT_HEADER = ("jour", "horodatage_utc", "entrees", "derniere_entree", "empreinte", "sceau")


def audit_checkpoint() -> None:
    """Scelle maintenant la tête de la chaîne dans le fichier des points de contrôle."""
    rt = runtime()
    path = rt.settings.trail_checkpoint_file
    with session_scope(rt.engine) as session:
        point = take_checkpoint(session, rt.cipher.ring, path)
    console.print(
        f"Point de contrôle écrit dans {path} : {point.count} entrées, "
        f"dernière n° {point.last_id or '-'}.",
        soft_wrap=True,
    )


def audit_export_checkpoints(
    output: Path | None = typer.Option(None, help="fichier CSV (défaut : sortie standard)"),
) -> None:
    """Exporte le dernier point de contrôle scellé de chaque jour, à conserver par le DPO."""
    rt = runtime()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    for point in daily_checkpoints(rt.settings.trail_checkpoint_file, rt.cipher.ring):
        day = point.moment.strftime("%d/%m/%Y")
        writer.writerow((day, point.at, point.count, point.last_id or "", point.head, point.seal))
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    write_private_text(output, buffer.getvalue())
    console.print(f"Export écrit : {output}")
