"""A fund's opposition list: each line to the consent ledger with its provenance."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from consent.ledger import is_opted_out
from consent.models import ConsentEntry
from dialer.campaigns.importing.models import ImportJob
from dialer.campaigns.importing.source import ImportRefused
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.opposition import import_opposition
from dialer.compliance.privacy.opposition_rows import OppositionFileRefused
from dialer.contacts.people.models import Person
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_people, make_campaign

KNOWN_NIR = "185077512345608"
NEW_NIR = "290091398765436"
NOW = datetime(2026, 12, 8, 9, 0)


def _campaign(engine: Engine, cipher: DataCipher) -> Campaign:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, ["+33612340001", "+33612340002"])
    with session_scope(engine) as session:
        first = session.exec(select(Person).order_by(Person.id)).first()  # type: ignore[arg-type]
        assert first is not None
        first.nir_lookup = cipher.lookup(KNOWN_NIR, "nir")
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        session.expunge(campaign)
        return campaign


def _file(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "opposition.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_every_accepted_line_is_an_opt_out_with_its_provenance(
    engine: Engine, cipher: DataCipher, tmp_path: Path
) -> None:
    campaign = _campaign(engine, cipher)
    path = _file(
        tmp_path,
        "N° de sécurité sociale;Téléphone;Date du refus;Référence\r\n"
        f"{KNOWN_NIR};;01/12/2026;R1\r\n"
        ";06 12 34 00 02;;R2\r\n"
        f"{NEW_NIR};;;R3\r\n"
        "185077512345600;;;R4\r\n"  # wrong key
        ";06 99 99 99 99;;R5\r\n"  # nobody of the fund has it
        f"{KNOWN_NIR};;31/12/2099;R6\r\n"  # refusal dated in the future
        ";;;R7\r\n",
        "cp1252",
    )
    summary, job = import_opposition(engine, campaign, path, cipher, "gestion", 10**6, NOW)
    assert (summary.rows, summary.recorded, summary.kept_unknown) == (7, 3, 1)
    assert sorted(summary.rejected_lines) == [5, 6, 7, 8]
    with Session(engine) as session:
        entries = session.exec(select(ConsentEntry).order_by(ConsentEntry.id)).all()  # type: ignore[arg-type]
        assert [(e.channel, e.decision, e.source, e.author) for e in entries] == [
            ("call", "opt_out", "fund_file", "gestion")
        ] * 3
        assert [e.reference for e in entries] == [
            f"F-C1 opposition.csv ligne {n}" for n in (2, 3, 4)
        ]
        assert entries[0].at == datetime(2026, 12, 1)
        for entry in entries:
            assert is_opted_out(session, entry.person_id)
        kept = session.get(Person, entries[2].person_id)
        assert kept is not None and kept.nir_lookup == cipher.lookup(NEW_NIR, "nir")
        stored = session.get(ImportJob, job.id)
        assert stored is not None and stored.status == "done" and stored.rejected == 4
        report = stored.reject_report or ""
    assert "185077512345600" not in report and "1 85 07 ** *** *** **" in report
    assert "clé du NIR invalide" in report and "envoyez le NIR" in report
    assert "date du refus dans le futur" in report and "ni NIR ni téléphone" in report


def test_a_list_that_identifies_nobody_is_refused_whole(
    engine: Engine, cipher: DataCipher, tmp_path: Path
) -> None:
    campaign = _campaign(engine, cipher)
    path = _file(tmp_path, "Nom;Prénom\r\nMartin;Léa\r\n")
    with pytest.raises(OppositionFileRefused, match="Aucune colonne « NIR » ni « Téléphone »"):
        import_opposition(engine, campaign, path, cipher, "gestion", 10**6, NOW)
    binary = tmp_path / "liste.xlsx"
    binary.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportRefused, match="n'est pas un fichier texte CSV"):
        import_opposition(engine, campaign, binary, cipher, "gestion", 10**6, NOW)
    with Session(engine) as session:
        assert session.exec(select(ConsentEntry)).all() == []
        jobs = session.exec(select(ImportJob)).all()
        assert [j.status for j in jobs] == ["refused", "refused"]
