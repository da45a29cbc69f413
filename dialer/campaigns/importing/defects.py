"""Rejects for records the reader set aside, named as the parser names its own."""

from __future__ import annotations

from dialer.campaigns.importing.report import Reject
from dialer.campaigns.importing.source import RowDefect
from dialer.contacts.themes import ColumnMapping
from dialer.contacts.themes.person_fields import ROW_REF
from dialer.contacts.themes.rows import shown


def row_ref_index(mapping: ColumnMapping) -> int | None:
    return next((i for i, spec in mapping.columns if spec.name == ROW_REF.name), None)


def row_ref_of(cells: list[str], index: int | None) -> str:
    """The fund's reference for the row as a report may show it; "" when unreadable."""
    if index is None or index >= len(cells):
        return ""
    return shown(ROW_REF, cells[index])


def defect_reject(defect: RowDefect, mapping: ColumnMapping) -> Reject:
    specs = dict(mapping.columns)
    column = ""
    value = ""
    if defect.column is not None and defect.column < len(mapping.header):
        column = mapping.header[defect.column]
        spec = specs.get(defect.column)
        # A column the theme does not declare is never echoed: data minimisation.
        if spec is not None and defect.column < len(defect.cells):
            value = shown(spec, defect.cells[defect.column])
    row_ref = row_ref_of(defect.cells, row_ref_index(mapping))
    return Reject(defect.line, column, value, defect.reason, row_ref)
