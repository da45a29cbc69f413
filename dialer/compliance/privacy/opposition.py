"""A fund's opposition list: every line to the consent ledger, with its provenance.

The file goes through the contact import's machinery (format checks, encodings,
defective lines, the job row and its reject report). Each accepted line becomes
an opt-out for outbound calls (source « fund_file », reference: fund, file and
line). A NIR nobody has sent yet is kept as a person with only that identity, so
the refusal also holds for the contact files the fund sends later; a number no
person of the fund has is rejected (the report asks for the NIR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from consent.ledger import record
from consent.vocabulary import Channel, Decision, Source
from dialer.campaigns.importing.jobs import FAILED_FR, finish_job, start_job
from dialer.campaigns.importing.models import ImportJob, ImportStatus
from dialer.campaigns.importing.records import identity_key
from dialer.campaigns.importing.report import ImportSummary, Reject, RejectSpool
from dialer.campaigns.importing.source import ImportRefused, RecordReader, inspect_file
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.opposition_rows import (
    Opposition,
    OppositionFileRefused,
    match_header,
    read_row,
)
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import Person
from dialer.contacts.territories import info
from dialer.core.columns import require_id
from dialer.core.crypto import DataCipher
from dialer.core.french import count_fr

PREFIX_FR = "Liste d'opposition"
UNKNOWN_NUMBER = "numéro inconnu de la caisse : envoyez le NIR pour que le refus soit gardé"


@dataclass
class OppositionSummary:
    rows: int = 0
    recorded: int = 0  # ledger entries written
    kept_unknown: int = 0  # NIRs not sent yet, kept so later files honour the refusal
    spool: RejectSpool = field(default_factory=RejectSpool)
    rejected_lines: set[int] = field(default_factory=set)

    def reject(self, rejects: list[Reject]) -> None:
        self.spool.add(rejects)
        self.rejected_lines.update(r.line for r in rejects)

    def text_fr(self) -> str:
        return (
            f"{PREFIX_FR} : {count_fr(self.rows, 'ligne lue', 'lignes lues')}, "
            f"{count_fr(self.recorded, 'refus enregistré', 'refus enregistrés')} au registre "
            f"des consentements (dont {count_fr(self.kept_unknown, 'NIR', 'NIR')} pas encore "
            f"reçu{'s' if self.kept_unknown > 1 else ''} dans un fichier de contacts), "
            f"{count_fr(len(self.rejected_lines), 'ligne rejetée', 'lignes rejetées')}."
        )

    def as_import_summary(self, encoding: str, delimiter: str) -> ImportSummary:
        return ImportSummary(
            rows=self.rows, stored=self.recorded, rejected_rows=len(self.rejected_lines),
            spool=self.spool, encoding=encoding, delimiter=delimiter,
        )  # fmt: skip


@dataclass(frozen=True)
class _Context:
    fund: Fund
    cipher: DataCipher
    author: str
    filename: str
    now: datetime


def _people(session: Session, ctx: _Context, row: Opposition) -> tuple[list[int], bool]:
    """The people the line names, and whether one had to be kept from its NIR alone."""
    ids: set[int] = set()
    created = False
    if row.nir is not None:
        lookup = ctx.cipher.lookup(row.nir, "nir")
        ids.update(
            p for p in session.exec(select(Person.id).where(Person.nir_lookup == lookup)) if p
        )
        if not ids:
            ids.add(_keep(session, ctx, row.nir, lookup))
            created = True
    if row.phone_e164 is not None:
        same_number = or_(
            col(Person.phone_e164) == row.phone_e164, col(Person.phone2_e164) == row.phone_e164
        )
        query = select(Person.id).where(Person.fund_id == ctx.fund.id, same_number)
        ids.update(p for p in session.exec(query) if p)
    return sorted(ids), created


def _keep(session: Session, ctx: _Context, nir: str, lookup: str) -> int:
    person = Person(
        audience="insured",
        identity_key=identity_key("insured", nir, ctx.cipher),
        fund_id=require_id(ctx.fund),
        nir_cipher=ctx.cipher.encrypt(nir, "nir"),
        nir_lookup=lookup,
        # Known only by the NIR: the fund's territory stands in until a file tells more.
        territory=ctx.fund.territory,
        time_zone=ctx.fund.time_zone,
    )
    session.add(person)
    session.flush()
    return require_id(person)


def _record_line(
    session: Session, ctx: _Context, row: Opposition, summary: OppositionSummary
) -> None:
    people, created = _people(session, ctx, row)
    if not people:
        summary.reject(
            [Reject(row.line, "Téléphone", row.phone_e164 or "", UNKNOWN_NUMBER, row.row_ref)]
        )
        return
    at = datetime.combine(row.decided_on, time(0)) if row.decided_on else ctx.now
    reference = f"{ctx.fund.code} {ctx.filename} ligne {row.line}"[:100]
    for person_id in people:
        record(
            session, person_id, Channel.CALL, Decision.OPT_OUT, Source.FUND_FILE,
            ctx.author, reference, min(at, ctx.now), now=ctx.now,
        )  # fmt: skip
        summary.recorded += 1
    summary.kept_unknown += int(created)


def _read(session: Session, ctx: _Context, reader: RecordReader) -> OppositionSummary:
    summary = OppositionSummary()
    columns: dict[str, int] | None = None
    region = info(ctx.fund.territory).phone_region
    for line, cells in reader:
        if columns is None:
            columns = match_header(cells)
            continue
        summary.rows += 1
        row = read_row(line, cells, columns, region, ctx.now.date())
        if isinstance(row, list):
            summary.reject(row)
        else:
            _record_line(session, ctx, row, summary)
    if columns is None:
        raise OppositionFileRefused(
            "Le fichier ne contient aucune ligne : rien n'a été enregistré."
        )
    for defect in reader.defects:
        summary.rows += 1
        summary.reject([Reject(defect.line, "", "", defect.reason)])
    return summary


def import_opposition(
    engine: Engine, campaign: Campaign, path: Path, cipher: DataCipher, author: str,
    max_bytes: int, now: datetime,
) -> tuple[OppositionSummary, ImportJob]:  # fmt: skip
    """Record the list of the campaign's fund in one transaction; its job keeps the report."""
    job = start_job(engine, campaign, path, author)
    try:
        fmt = inspect_file(path, max_bytes)
        with Session(engine) as session:
            fund = session.get(Fund, campaign.fund_id)
            assert fund is not None
            ctx = _Context(fund, cipher, author, path.name[:60], now)
            summary = _read(session, ctx, RecordReader(path, fmt))
            session.commit()
    except (ImportRefused, OppositionFileRefused) as refusal:
        message = f"{PREFIX_FR} refusée : {refusal}"
        finish_job(engine, job, None, status=ImportStatus.REFUSED, message=message)
        raise
    except BaseException:
        finish_job(engine, job, None, status=ImportStatus.FAILED, message=FAILED_FR)
        raise
    report = summary.as_import_summary(fmt.encoding, fmt.delimiter)
    finish_job(engine, job, report, status=ImportStatus.DONE, message=summary.text_fr())
    return summary, job
