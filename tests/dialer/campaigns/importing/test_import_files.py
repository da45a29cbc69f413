"""Whole files: refused with one message and nothing stored, or idempotent."""

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


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def refuse(engine: Engine, campaign_id: int, path: Path, cipher: DataCipher, **opts: object) -> str:
    with pytest.raises(ImportRefused) as refusal:
        import_contacts(engine, campaign_id, path, cipher, ImportOptions(**opts))  # type: ignore[arg-type]
    assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    with Session(engine) as session:
        job = session.exec(select(ImportJob)).scalars().one()  # type: ignore[call-overload]
        assert job.status == "refused" and job.message == str(refusal.value)
    return str(refusal.value)


def test_empty_file(engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "vide" in refuse(engine, campaign_id, path, cipher)


def test_no_recognised_column(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "x.csv", ["a;b;c", "1;2;3"])
    assert "Aucune colonne reconnue" in refuse(engine, campaign_id, path, cipher)


def test_binary_file(engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary" * 50)
    message = refuse(engine, campaign_id, path, cipher)
    assert "pas un fichier texte" in message and "Excel" in message and "octet 0" in message


def test_binary_content_says_where(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"Nom;Pr\xc3\xa9nom\n" + bytes(range(32)) * 40)
    message = refuse(engine, campaign_id, path, cipher)
    assert "contenu binaire" in message and "octet 12" in message and "ligne 2" in message


def test_over_the_size_limit(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "x.csv", [HEADER, *GOOD])
    assert "taille" in refuse(engine, campaign_id, path, cipher, max_bytes=100)


def test_undeclared_column_is_refused_when_asked(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    lines = [HEADER + ";Revenus", *[g + ";12000" for g in GOOD]]
    path = write(tmp_path / "x.csv", lines)
    message = refuse(engine, campaign_id, path, cipher, refuse_unknown=True)
    assert "« Revenus »" in message


def test_bytes_no_encoding_reads_cost_their_row_only(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(
        (HEADER + "\r\n").encode()
        + b"R9;\x81\x8d\x8f\x90\x9d;A;B;01/01/1990;75001;0612345678\r\n"
        + (GOOD[0] + "\r\n").encode()
    )
    summary, job = import_contacts(engine, campaign_id, path, cipher)
    assert (summary.stored, summary.rejected_rows, job.status) == (1, 1, "done")
    reject = summary.rejects[0]
    assert (reject.line, reject.row_ref, reject.column) == (2, "R9", "NIR")
    assert "illisibles" in reject.reason


def test_reimporting_the_same_file_changes_nothing(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.csv", [HEADER, *GOOD, "R4;bad;X;Y;01/01/1990;75001;0612345678"])
    first, _ = import_contacts(engine, campaign_id, path, cipher)
    with engine.connect() as conn:
        before = conn.execute(select(CampaignContact.__table__)).all()  # type: ignore[attr-defined]
    second, _ = import_contacts(engine, campaign_id, path, cipher)
    with engine.connect() as conn:
        after = conn.execute(select(CampaignContact.__table__)).all()  # type: ignore[attr-defined]
    assert (first.stored, first.rejected_rows) == (3, 1)
    assert (second.stored, second.unchanged, second.updated, second.rejected_rows) == (0, 3, 0, 1)
    assert before == after
    assert count(engine, Person) == 3


def test_a_changed_row_is_updated_in_place(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    import_contacts(engine, campaign_id, write(tmp_path / "a.csv", [HEADER, *GOOD]), cipher)
    moved = GOOD[0].replace("75011", "75012")
    summary, _ = import_contacts(
        engine, campaign_id, write(tmp_path / "b.csv", [HEADER, moved]), cipher
    )
    assert (summary.updated, summary.stored) == (1, 0)
    with engine.connect() as conn:
        codes = set(conn.execute(select(Person.postal_code)).scalars())  # type: ignore[call-overload]
    assert "75012" in codes and "75011" not in codes


def test_same_person_twice_in_one_file_is_merged(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    again = GOOD[0].replace("R1;", "R7;").replace("06 12 34 56 78", "01 45 67 89 10")
    summary, _ = import_contacts(
        engine, campaign_id, write(tmp_path / "f.csv", [HEADER, GOOD[0], again]), cipher
    )
    assert (summary.stored, summary.merged) == (1, 1)
    assert count(engine, CampaignContact) == 1
    with engine.connect() as conn:
        phones = conn.execute(select(Person.phone_e164, Person.phone2_e164)).one()  # type: ignore[call-overload]
    assert tuple(phones) == ("+33612345678", "+33145678910")


def test_same_reference_for_another_person_is_rejected(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    clash = GOOD[1].replace("R2;", "R1;")
    summary, _ = import_contacts(
        engine, campaign_id, write(tmp_path / "f.csv", [HEADER, GOOD[0], clash]), cipher
    )
    assert (summary.stored, summary.rejected_rows) == (1, 1)
    assert summary.rejects[0].line == 3 and "référence" in summary.rejects[0].reason


def test_one_person_in_two_campaigns(
    engine: Engine, campaign_id: int, dental_campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    import_contacts(engine, campaign_id, write(tmp_path / "a.csv", [HEADER, *GOOD]), cipher)
    child_columns = (
        "Prénom de l'enfant",
        "Nom de l'enfant",
        "Date de naissance de l'enfant",
        "Âge de l'enfant",
        "Fin de prise en charge EBD",
    )
    header = ";".join((HEADER, *child_columns))
    row = GOOD[0] + ";Lou;DUPONT;01/03/2020;6;31/12/2027"
    summary, _ = import_contacts(
        engine, dental_campaign_id, write(tmp_path / "b.csv", [header, row]), cipher
    )
    assert summary.stored == 1, summary.rejects
    assert count(engine, Person) == 3
    assert count(engine, CampaignContact) == 4


def test_address_and_number_in_different_time_zones_are_counted(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    lines = [
        HEADER,
        GOOD[0],
        "R2;269059741115720;MARTIN;Léa;20/05/1969;75011;0696 12 34 56",  # Paris, Martinique
        "R3;290012A01234511;SANTONI;Marie;01/01/1990;;0690 12 34 56",  # no address
    ]
    summary, _ = import_contacts(engine, campaign_id, write(tmp_path / "f.csv", lines), cipher)
    assert summary.stored == 3, summary.rejects
    assert summary.split_time_zones == 1
    assert (
        "1 personne dont l'adresse et le numéro relèvent de fuseaux différents" in summary.text_fr()
    )
    with engine.connect() as conn:
        rows = conn.execute(select(Person.last_name, Person.territory, Person.time_zone)).all()
    by_name = {name: (territory, zone) for name, territory, zone in rows}
    assert by_name["MARTIN"] == ("metro", "Europe/Paris")
    # A metropolitan fund's file, no postal code: the Guadeloupe mobile tells.
    assert by_name["SANTONI"] == ("guadeloupe", "America/Guadeloupe")
