"""Files as funds send them: a bad cell costs its row, never the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.importing.pipeline import ImportOptions, ImportRefused, import_contacts
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.crypto import DataCipher
from tests.dialer.campaigns.importing.conftest import GOOD, HEADER, write

COLUMNS = HEADER.split(";")
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x00"]


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def only_job(engine: Engine) -> ImportJob:
    with Session(engine) as session:
        return session.exec(select(ImportJob)).scalars().one()  # type: ignore[call-overload, no-any-return]


def many_good_rows(n: int) -> list[str]:
    """``n`` distinct valid rows: NIR keys computed, one Paris mobile each."""
    rows = []
    for i in range(n):
        body = f"1841275{101 + i % 800:03d}{1 + i // 800:03d}"
        nir = f"{body}{97 - int(body) % 97:02d}"
        phone = f"06 12 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
        rows.append(f"G{i};{nir};NOM{i};Jean;15/12/1984;75011;{phone}")
    return rows


@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_a_control_character_in_any_cell_costs_its_row_only(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path, column: int
) -> None:
    control = CONTROLS[column]
    cells = GOOD[1].split(";")
    cells[column] = cells[column][:2] + control + cells[column][2:]
    path = write(tmp_path / "f.csv", [HEADER, GOOD[0], ";".join(cells), GOOD[2]])
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.rows, summary.stored, summary.rejected_rows) == (3, 2, 1)
    assert job.status == "done" and count(engine, CampaignContact) == 2
    reject = summary.rejects[0]
    assert (reject.line, reject.column) == (3, COLUMNS[column])
    assert "caractère de contrôle" in reject.reason and f"U+{ord(control):04X}" in reject.reason
    # The reference is read even when its own cell holds the control character.
    assert reject.row_ref.startswith("R2")
    assert job.reject_report is not None and "\x00" not in job.reject_report


def test_one_nul_byte_among_many_rows_costs_one_row(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(22)
    rows[10] = rows[10].replace("Jean", "Je\x00an")
    summary, _ = import_contacts(
        engine, campaign_id, write(tmp_path / "f.csv", [HEADER, *rows]), cipher
    )
    assert (summary.stored, summary.rejected_rows) == (21, 1), summary.rejects
    assert (summary.rejects[0].line, summary.rejects[0].row_ref) == (12, "G10")


def test_a_200000_character_cell_costs_its_row_only(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(30)
    cells = rows[20].split(";")
    cells[2] = "X" * 200_000
    rows[20] = ";".join(cells)
    summary, job = import_contacts(
        engine, campaign_id, write(tmp_path / "f.csv", [HEADER, *rows]), cipher
    )
    assert (summary.stored, summary.rejected_rows, job.status) == (29, 1, "done")
    reject = summary.rejects[0]
    assert (reject.line, reject.row_ref, reject.column) == (22, "G20", "Nom")
    assert "trop longue" in reject.reason and "200\u202f000" in reject.reason
    assert len(reject.value) <= 80


def test_a_line_break_inside_a_quoted_cell_reports_the_first_line(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    bad = 'R5;184127511108988;"DUPONT";Jean;15/12/1984;"750\r\n11";06 12 34 56 78'
    lines = [HEADER, GOOD[1], bad, GOOD[2], "R9;bad;X;Y;01/01/1990;75001;0612345678"]
    summary, _ = import_contacts(engine, campaign_id, write(tmp_path / "f.csv", lines), cipher)
    assert summary.stored == 2
    assert [(r.line, r.row_ref) for r in summary.rejects] == [(3, "R5"), (6, "R9")]


def test_a_utf16_file_with_bom_is_imported(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *GOOD], encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows, job.encoding) == (3, 0, "utf-16")
    with engine.connect() as conn:
        names = set(conn.execute(select(Person.first_name)).scalars())  # type: ignore[call-overload]
    assert "Léa" in names


def test_a_windows_1252_line_in_a_utf8_file_costs_its_row_only(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    stray = "R4;184127511108988;HÉLÈNE;Zoé;15/12/1984;75011;06 12 34 56 78\r\n"
    data = "\r\n".join([HEADER, *GOOD[1:]]).encode() + b"\r\n" + stray.encode("cp1252")
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows, job.encoding) == (2, 1, "utf-8")
    reject = summary.rejects[0]
    assert (reject.line, reject.row_ref, reject.column) == (4, "R4", "Nom")
    assert "illisibles" in reject.reason


def test_a_utf8_line_in_a_windows_1252_file_costs_its_row_only(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    stray = "R4;184127511108988;HÉLÈNE;Zoé;15/12/1984;75011;06 12 34 56 78\r\n"
    data = "\r\n".join([HEADER, *GOOD[1:]]).encode("cp1252") + b"\r\n" + stray.encode()
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows, job.encoding) == (2, 1, "cp1252")
    assert summary.rejects[0].line == 4


def test_an_extra_column_is_dropped_listed_and_never_stored(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    lines = [HEADER + ";Commentaire", *[g + ";rappeler après 18 h" for g in GOOD]]
    summary, job = import_contacts(engine, campaign_id, write(tmp_path / "f.csv", lines), cipher)
    assert (summary.stored, summary.dropped_columns) == (3, ("Commentaire",))
    assert "« Commentaire »" in (job.message or "")
    with engine.connect() as conn:
        dump = repr(conn.execute(select(CampaignContact.__table__)).all())  # type: ignore[attr-defined]
        dump += repr(conn.execute(select(Person.__table__)).all())  # type: ignore[attr-defined]
    assert "rappeler" not in dump


def test_a_duplicate_column_refuses_the_file_naming_it(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    lines = [HEADER + ";Nom", *[g + ";AUTRE" for g in GOOD]]
    with pytest.raises(ImportRefused, match="Colonne en double.*« Nom »"):
        import_contacts(engine, campaign_id, write(tmp_path / "f.csv", lines), cipher)
    assert count(engine, CampaignContact) == 0 and only_job(engine).status == "refused"


def test_a_mapped_alias_is_imported_and_remembered_for_the_fund(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    header = HEADER.replace(";NIR;", ";N° sécu;") + ";Commentaire"
    lines = [header, *[g + ";x" for g in GOOD]]
    path = write(tmp_path / "f.csv", lines)
    with pytest.raises(ImportRefused, match="Colonnes obligatoires manquantes"):
        import_contacts(engine, campaign_id, path, cipher)
    mapped = ImportOptions(column_map=(("N° sécu", "NIR"), ("Commentaire", "ignorer")))
    summary, _ = import_contacts(engine, campaign_id, path, cipher, mapped)
    assert (summary.stored, summary.dropped_columns) == (3, ())
    assert summary.ignored_columns == ("Commentaire",)
    again, _ = import_contacts(engine, campaign_id, path, cipher)  # no --map: remembered
    assert (again.unchanged, again.rejected_rows) == (3, 0)


def test_a_mapping_to_an_unknown_column_is_refused(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *GOOD])
    with pytest.raises(ImportRefused, match="« Salaire » inconnue"):
        import_contacts(
            engine, campaign_id, path, cipher, ImportOptions(column_map=(("X", "Salaire"),))
        )


def test_a_file_with_only_a_header_is_refused(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    with pytest.raises(ImportRefused, match="que la ligne d'en-tête"):
        import_contacts(engine, campaign_id, write(tmp_path / "f.csv", [HEADER]), cipher)
    assert only_job(engine).status == "refused" and count(engine, Person) == 0


def test_a_database_error_mid_file_stores_nothing_and_fails_the_job(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    rows = many_good_rows(40)
    path = write(tmp_path / "f.csv", [HEADER, *rows])
    calls = []

    def break_after_first_batch(tick: object) -> None:
        calls.append(tick)
        if getattr(tick, "phase", "") == "import":
            with engine.begin() as conn:  # any database error raised mid-file
                conn.exec_driver_sql("DROP TABLE no_such_table")

    with pytest.raises(Exception, match="no_such_table"):
        import_contacts(engine, campaign_id, path, cipher, ImportOptions(batch_size=10),
                        break_after_first_batch)  # fmt: skip
    assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    job = only_job(engine)
    assert job.status == "failed" and "rien n'a été importé" in (job.message or "")
