"""Hostile values in every column of a contact file: each row stored cleanly or rejected.

What reaches an AMI frame is checked by ``telephony.ami.frames.check_headers`` (tests in
``tests/telephony/ami/test_ami_frames.py``); here the guard is the import itself.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.importing.pipeline import ImportRefused, import_contacts
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from telephony.ami.client import OriginateRequest, originate_headers
from telephony.ami.frames import DialTemplate, check_headers

HOSTILE = [
    "'; DROP TABLE person; --",
    "Robert'); DELETE FROM campaign_contact WHERE ('1'='1",
    "$(reboot)",
    "`reboot`",
    "\r\nAction: Originate\r\nChannel: Local/666@x\r\n",
    "a\nb",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "x" * 100_000,
    "ligne\u2028séparée",
    "suivante\u0085ligne",
    "\u202eecnarF",
    "Zoé 🙂👨‍👩‍👧",
    "%s%n{0}{{7*7}}",
    "../../etc/passwd",
]
HEADER = [
    "Référence", "NIR", "Nom", "Prénom", "Date de naissance", "Code postal", "Téléphone",
    "Vaccination grippe",
]  # fmt: skip
GOOD = ["R", "", "DUPONT", "Jean", "15/12/1984", "75011", "06 12 34 56 78", "non"]
# Controls and line separators are refused by the parsers, never stored.
UNCLEAN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
DIAL = DialTemplate("PJSIP/{national}@trunk")
TEXT_COLUMNS = ("last_name", "first_name", "postal_code", "city", "phone_e164")


def nir(index: int) -> str:
    body = f"{1841275000000 + index:013d}"
    return body + f"{97 - int(body) % 97:02d}"


@pytest.fixture
def campaign_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        fund = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(session, "FLU", "Grippe", "flu_vaccination", fund, "0162000000")
        return campaign.id or 0


def hostile_rows() -> list[list[str]]:
    """One row per (hostile value, column), every other cell valid and each NIR distinct."""
    rows: list[list[str]] = []
    for value in HOSTILE:
        for column in range(len(HEADER)):
            index = len(rows) + 1
            row = [f"H{index}", nir(index), *GOOD[2:]]
            row[column] = value
            rows.append(row)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    return path


def count(engine: Engine, model: type[SQLModel]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one()[0])  # type: ignore[call-overload]


def assert_intact(engine: Engine, tables: set[str]) -> None:
    assert set(inspect(engine).get_table_names()) == tables
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def assert_stored_cleanly(engine: Engine, cipher: DataCipher) -> None:
    with Session(engine) as session:
        people = session.exec(select(Person)).scalars().all()  # type: ignore[call-overload]
        contacts = session.exec(select(CampaignContact)).scalars().all()  # type: ignore[call-overload]
    # Nothing half-stored: every person has its contact row and the other way round.
    assert {c.person_id for c in contacts} == {p.id for p in people}
    for person in people:
        for name in TEXT_COLUMNS:
            value = getattr(person, name) or ""
            assert not UNCLEAN.search(value), (name, value[:80])
            assert len(value) <= 300
        assert E164.match(person.phone_e164 or ""), person.phone_e164
        assert re.fullmatch(r"\d{13}\d{2}|\d{5}[AB]\d{9}", cipher.decrypt(person.nir_cipher, "nir"))
    for contact in contacts:
        assert not UNCLEAN.search(contact.row_ref or "")
    for person in people:
        # The Originate this row would produce passes the frame guard, whose refusals
        # of CR/LF/NUL are tested in tests/telephony/ami/test_ami_frames.py.
        request = OriginateRequest(str(person.id), person.phone_e164 or "", DIAL, "+33162000000")
        check_headers(originate_headers(request, "hostile-1"))


def test_every_hostile_row_is_stored_cleanly_or_rejected_with_its_line(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path
) -> None:
    tables = set(inspect(engine).get_table_names())
    rows = hostile_rows()
    summary, job = import_contacts(engine, campaign_id, write_csv(tmp_path / "h.csv", rows), cipher)
    assert summary.rows == len(rows) and summary.accounted == len(rows)
    assert summary.rejected_rows > 0 and summary.stored > 0
    assert all(reject.line >= 2 and reject.reason for reject in summary.rejects)
    assert count(engine, Person) == summary.stored == count(engine, CampaignContact)
    assert job.status == "done" and job.rejected == summary.rejected_rows
    assert_stored_cleanly(engine, cipher)
    assert_intact(engine, tables)


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(b"ges\x00tion", id="nul"),
        pytest.param(b"\xff\xfe\xfd\xc3\x28", id="invalid-utf8"),
        pytest.param("\ud800x".encode("utf-8", "surrogatepass"), id="lone-surrogate"),
        pytest.param(b"\x81\x8d\x8f\x90\x9d", id="undefined-cp1252"),
    ],
)
def test_wrong_bytes_refuse_the_file_or_store_clean_rows(
    engine: Engine, campaign_id: int, cipher: DataCipher, tmp_path: Path, cell: bytes
) -> None:
    tables = set(inspect(engine).get_table_names())
    good = [";".join([f"G{i}", nir(900 + i), *GOOD[2:]]).encode() for i in range(3)]
    bad = b"B1;" + nir(999).encode() + b";" + cell + b";Jean;15/12/1984;75011;0612345678;non"
    lines = [";".join(HEADER).encode(), *good, bad]
    path = tmp_path / "b.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    try:
        summary, _ = import_contacts(engine, campaign_id, path, cipher)
    except ImportRefused as refusal:
        assert str(refusal)  # one French message, and nothing stored
        assert count(engine, Person) == 0 and count(engine, CampaignContact) == 0
    else:
        assert summary.accounted == summary.rows == 4
        assert_stored_cleanly(engine, cipher)
    with Session(engine) as session:
        job = session.exec(select(ImportJob)).scalars().one()  # type: ignore[call-overload]
        assert job.status in ("done", "refused") and job.message
    assert_intact(engine, tables)
