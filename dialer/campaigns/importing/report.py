"""What an import tells the user: a summary and a reject report."""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from dialer.core.french import count_fr


@dataclass(frozen=True, slots=True)
class Reject:
    line: int  # first physical line of the record, header = 1
    column: str
    value: str  # already masked when the column is secret
    reason: str
    row_ref: str = ""  # the fund's own reference for the row, when readable


class RejectSpool:
    """The rejects of one import, on disk while it runs, so that memory stays flat
    however long the file (2 % of 10 million rows is 200,000 rejects).

    The file has no name (``TemporaryFile``): it holds masked values and names, and
    disappears with the process whatever happens to it.
    """

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._writer: Any = None
        self.count = 0

    def add(self, rejects: list[Reject]) -> None:
        if self._file is None:
            # Open as long as the summary lives: its rejects are read back at the end.
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
            self._writer = csv.writer(self._file)
        for r in rejects:
            self._writer.writerow((r.line, r.column, r.value, r.reason, r.row_ref))
        self.count += len(rejects)

    def read_all(self) -> list[Reject]:
        """Every reject, by line: a row reference conflict is found while storing,
        after rejects of later lines, and the reader's defects come ahead of the
        parsed rows in flight."""
        if self._file is None:
            return []
        self._file.flush()
        self._file.seek(0)
        # The few distinct columns and reasons are shared, not one copy per reject.
        rejects = [
            Reject(int(line), sys.intern(column), value, sys.intern(reason), row_ref)
            for line, column, value, reason, row_ref in csv.reader(self._file)
        ]
        self._file.seek(0, io.SEEK_END)
        return sorted(rejects, key=lambda reject: reject.line)


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
    spool: RejectSpool = field(default_factory=RejectSpool)
    encoding: str = ""
    delimiter: str = ""
    seconds: float = 0.0
    dropped_columns: tuple[str, ...] = ()  # not declared by the theme: never read
    ignored_columns: tuple[str, ...] = ()  # mapped to « ignorer » by the manager

    @property
    def accounted(self) -> int:
        """Every data row lands in exactly one of these counts."""
        return self.stored + self.updated + self.unchanged + self.merged + self.rejected_rows

    def add_rejects(self, rejects: list[Reject]) -> None:
        """One rejected row, with a reject for each of its faults."""
        self.rejected_rows += 1
        self.spool.add(rejects)

    @property
    def rejects(self) -> list[Reject]:
        """Every reject, by line (read back from the spool)."""
        return self.spool.read_all()

    def report_csv(self) -> str:
        return reject_report_csv(self.rejects)

    def text_fr(self) -> str:
        text = (
            f"{count_fr(self.rows, 'ligne lue', 'lignes lues')} : "
            f"{count_fr(self.stored, 'ajoutée', 'ajoutées')}, "
            f"{count_fr(self.updated, 'mise à jour', 'mises à jour')}, "
            f"{count_fr(self.unchanged, 'inchangée', 'inchangées')}, "
            f"{count_fr(self.merged, 'fusionnée', 'fusionnées')} (doublons), "
            f"{count_fr(self.rejected_rows, 'rejetée', 'rejetées')}."
        )
        if self.dropped_columns:
            text += (
                " Colonnes non prévues par le thème, ignorées et non enregistrées : "
                + ", ".join(f"« {name} »" for name in self.dropped_columns)
                + "."
            )
        if self.ignored_columns:
            text += (
                " Colonnes ignorées à votre demande : "
                + ", ".join(f"« {name} »" for name in self.ignored_columns)
                + "."
            )
        if not self.split_time_zones:
            return text
        people = count_fr(self.split_time_zones, "personne", "personnes")
        return (
            f"{text} {people} dont l'adresse et le numéro relèvent "
            "de fuseaux différents : appelées seulement quand les deux heures locales le "
            "permettent."
        )


def reasons_fr(rejects: list[Reject]) -> list[tuple[str, int]]:
    """Rejected cells per reason, most frequent first."""
    return Counter(reject.reason for reject in rejects).most_common()


REPORT_HEADER = ("ligne", "référence", "colonne", "valeur", "motif")


def reject_report_csv(rejects: list[Reject]) -> str:
    """The reject report, as the CSV French spreadsheets open directly; ``rejects`` by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    for reject in rejects:
        writer.writerow(
            (
                reject.line,
                _neutralise(reject.row_ref),
                reject.column,
                _neutralise(reject.value),
                reject.reason,
            )
        )
    return "\ufeff" + buffer.getvalue()


def _neutralise(value: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
