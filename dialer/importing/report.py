"""What an import tells the user: a summary and a reject report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    value: str  # already masked when the column is secret
    reason: str


@dataclass
class ImportSummary:
    rows: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected_rows: int = 0
    # Accepted rows whose address and number called lie in different time zones.
    split_time_zones: int = 0
    rejects: list[Reject] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    seconds: float = 0.0

    @property
    def accounted(self) -> int:
        """Every data row lands in exactly one of these counts."""
        return self.stored + self.updated + self.unchanged + self.merged + self.rejected_rows

    def add_rejects(self, rejects: list[Reject]) -> None:
        self.rejected_rows += 1
        self.rejects.extend(rejects)

    def text_fr(self) -> str:
        text = (
            f"{self.rows} lignes lues : {self.stored} ajoutées, {self.updated} mises à jour, "
            f"{self.unchanged} inchangées, {self.merged} fusionnées (doublons), "
            f"{self.rejected_rows} rejetées."
        )
        if not self.split_time_zones:
            return text
        people = "personne" if self.split_time_zones == 1 else "personnes"
        return (
            f"{text} {self.split_time_zones} {people} dont l'adresse et le numéro relèvent "
            "de fuseaux différents : appelées seulement quand les deux heures locales le "
            "permettent."
        )


REPORT_HEADER = ("ligne", "colonne", "valeur", "motif")


def reject_report_csv(rejects: list[Reject]) -> str:
    """The reject report, as the CSV French spreadsheets open directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    for reject in rejects:
        writer.writerow((reject.line, reject.column, _neutralise(reject.value), reject.reason))
    return "\ufeff" + buffer.getvalue()


def _neutralise(value: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
