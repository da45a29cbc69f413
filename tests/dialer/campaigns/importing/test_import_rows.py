"""Rows of a fund file: each stored or reported with its line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from dialer.campaigns.importing.pipeline import import_contacts
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher
from dialer.demo.contact_file import write_contact_file
from tests.dialer.campaigns.importing.conftest import GOOD, HEADER, write


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_good_rows_are_stored_with_e164_phones_and_territories(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *GOOD])
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows, job.status) == (3, 0, "done")
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Person.last_name, Person.phone_e164, Person.territory, Person.time_zone
            ).order_by(Person.last_name)  # type: ignore[call-overload]
        ).all()
    assert [tuple(r) for r in rows] == [
        ("DUPONT", "+33612345678", "metro", "Europe/Paris"),
        ("MARTIN", "+262692123456", "reunion", "Indian/Reunion"),
        ("SANTONI", "+33495123456", "corse", "Europe/Paris"),
    ]


def test_the_nir_is_never_stored_in_clear(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    import_contacts(engine, campaign_id, write(tmp_path / "f.csv", [HEADER, *GOOD]), cipher)
    with engine.connect() as conn:
        values = conn.execute(select(Person.nir_cipher, Person.nir_lookup)).all()  # type: ignore[call-overload]
    dump = repr(values)
    assert "184127511108988" not in dump
    assert {cipher.decrypt(v[0], "nir") for v in values} >= {"184127511108988"}
    assert cipher.lookup("184127511108988", "nir") in {v[1] for v in values}


@pytest.mark.parametrize(
    ("cell_index", "value", "column", "reason_part"),
    [
        (1, "184127511108989", "NIR", "clé du NIR"),
        (4, "15/12/1985", "NIR", "ne correspond pas"),
        (4, "31/02/1984", "Date de naissance", "date"),
        (6, "08 99 12 34", "Téléphone", "num"),
        (6, "06 12 34\r\nAction: Originate", "Téléphone", ""),
        (2, "", "Nom", "obligatoire"),
        (5, "ABCDE", "Code postal", "code postal"),
    ],
)
def test_each_bad_cell_is_reported_with_line_column_and_reason(
    engine: Engine,
    campaign_id: int,
    cipher: DataCipher,
    tmp_path: Path,
    cell_index: int,
    value: str,
    column: str,
    reason_part: str,
) -> None:
    cells = GOOD[0].split(";")
    cells[cell_index] = value
    bad = ";".join(cells) if "\n" not in value else ";".join(f'"{c}"' for c in cells)
    path = write(tmp_path / "f.csv", [HEADER, GOOD[1], bad, GOOD[2]])
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows) == (2, 1)
    reject = summary.rejects[0]
    assert reject.line == 3  # the record's first line, even when a cell spans two
    assert reject.row_ref == "R1"
    assert reject.column == column
    assert reason_part in reject.reason
    assert count(engine, CampaignContact) == 2
    assert job.reject_report is not None and job.reject_report.startswith(
        "\ufeffligne;référence;colonne"
    )


def test_a_row_with_the_wrong_number_of_cells_is_rejected(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, GOOD[0], "R9;184127511108988;X", GOOD[1]])
    summary, _ = import_contacts(engine, campaign_id, path, cipher)
    assert summary.rejected_rows == 1 and summary.rejects[0].line == 3
    assert "cellules" in summary.rejects[0].reason


def test_reject_report_masks_the_nir(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    cells = GOOD[0].split(";")
    cells[4] = "15/12/1985"
    path = write(tmp_path / "f.csv", [HEADER, ";".join(cells)])
    _, job = import_contacts(engine, campaign_id, path, cipher)
    assert job.reject_report is not None
    assert "184127511108988" not in job.reject_report
    assert "1 84 12 **" in job.reject_report


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_encodings_and_separators(
    engine: Engine,
    campaign_id: int,
    cipher: DataCipher,
    tmp_path: Path,
    encoding: str,
    delimiter: str,
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *GOOD], encoding=encoding, delimiter=delimiter)
    summary, _ = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows) == (3, 0)
    assert summary.encoding == encoding and summary.delimiter == delimiter
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT first_name FROM person")).scalars())
    assert "Léa" in names


def test_generated_file_every_row_accounted(
    engine: Engine, dental_campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    generated = write_contact_file(tmp_path / "g.csv", "child_dental", 400, seed=3, bad_ratio=0.1)
    summary, _ = import_contacts(engine, dental_campaign_id, tmp_path / "g.csv", cipher)
    assert summary.rows == 400 == summary.accounted
    assert summary.rejected_rows == generated.bad_rows
    assert count(engine, CampaignContact) == summary.stored


def test_postgresql_planner_knows_the_imported_rows(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    # Without fresh statistics the next claims plan nested loops costing seconds each.
    if engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    import_contacts(engine, campaign_id, write(tmp_path / "f.csv", [HEADER, *GOOD]), cipher)
    query = text(  # reltuples is -1 (or 0) until the table is analysed
        "SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        "AND c.relname IN ('person', 'campaigncontact')"
    )
    with engine.connect() as conn:
        estimated = dict(conn.execute(query).tuples().all())
    assert estimated == {"person": 3, "campaigncontact": 3}
