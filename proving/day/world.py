"""The day's world on a fresh database: funds, campaigns, agents, contacts, opt-outs, waves.

Three campaigns run at once, as in production: the commissioning fund's flu
campaign, its ameli-account campaign, and a second fund's flu campaign, each with
its file, its wave and its agents; their files share people (see ``files``).
"""

from __future__ import annotations

import csv
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from consent import ledger
from dialer.accounts.users import create_user
from dialer.campaigns.importing.pipeline import import_contacts
from dialer.campaigns.models import CampaignAgent, CampaignStatus
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.waves import schedule_wave
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.territories import Territory
from dialer.core.columns import require_id
from dialer.core.db import make_engine, refresh_statistics, session_scope
from dialer.core.runtime import Runtime
from dialer.operations.prestart import prepare_storage
from proving.day.files import FundFile, write_day_files
from scripts.versions import current_version

FUNDS = (
    ("CPAM75", "CPAM de Paris", Territory.METRO),
    ("CPAM2A", "CPAM de Corse-du-Sud", Territory.CORSICA),
    ("CGSS974", "CGSS de La Réunion", Territory.REUNION),
    ("CGSS971", "CGSS de Guadeloupe", Territory.GUADELOUPE),
    ("CGSS973", "CGSS de Guyane", Territory.GUYANE),
    ("CSS976", "CSS de Mayotte", Territory.MAYOTTE),
)
COMMISSIONING_FUND = "CPAM75"
SECOND_FUND = "CGSS974"
# (code, name, theme, fund), in the order of the day's files.
CAMPAIGNS = (
    ("GRIPPE-JOUR", "Vaccination antigrippale : journée d'appels", "flu_vaccination",
     COMMISSIONING_FUND),
    ("AMELI-JOUR", "Compte ameli : journée d'appels", "ameli_account", COMMISSIONING_FUND),
    ("GRIPPE-974", "Vaccination antigrippale à La Réunion", "flu_vaccination", SECOND_FUND),
)  # fmt: skip
# Of every four agents, two work the flu campaign, one each of the others.
AGENT_SHARES = (0, 1, 0, 2)
OPT_OUT_HEADER = ["Téléphone", "Canal", "Décision"]


@dataclass(frozen=True)
class AgentLogin:
    user_id: int
    username: str
    password: str
    campaign_id: int = 0


@dataclass(frozen=True)
class DayCampaign:
    campaign_id: int
    fund_id: int
    wave_id: int
    file_rows: int
    imported: int
    rejected: int


@dataclass
class World:
    campaigns: list[DayCampaign]  # the commissioning fund's flu campaign first
    agents: list[AgentLogin]
    opted_out_by_fund: int

    @property
    def campaign_id(self) -> int:
        return self.campaigns[0].campaign_id

    @property
    def fund_id(self) -> int:
        return self.campaigns[0].fund_id

    @property
    def wave_id(self) -> int:
        return self.campaigns[0].wave_id

    @property
    def campaign_ids(self) -> list[int]:
        return [c.campaign_id for c in self.campaigns]

    @property
    def fund_ids(self) -> list[int]:
        return sorted({c.fund_id for c in self.campaigns})

    @property
    def wave_ids(self) -> list[int]:
        return [c.wave_id for c in self.campaigns]

    @property
    def file_rows(self) -> int:
        return sum(c.file_rows for c in self.campaigns)

    @property
    def imported(self) -> int:
        return sum(c.imported for c in self.campaigns)

    @property
    def rejected(self) -> int:
        return sum(c.rejected for c in self.campaigns)


def fresh_database_url(database_url: str | None, work_dir: Path, run_id: str) -> str:
    """A new SQLite file under ``work_dir``, or a new schema of the PostgreSQL database."""
    if database_url is None or database_url.startswith("sqlite"):
        path = work_dir / f"{run_id}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    schema = f"day_{run_id}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}options=-csearch_path%3D{schema}"


def new_run_id() -> str:
    return f"{datetime.now().strftime('%Y%m%d_%H%M%S')}_{uuid.uuid4().hex[:6]}"


def build_world(runtime: Runtime, people: int, agents: int, seed: int, now: datetime,
                folder: Path, *, bad_ratio: float = 0.02, opt_out_ratio: float = 0.03,
                hours: float = 8.0, phones: tuple[str, ...] = (),
                pacing: str = "predictive") -> World:  # fmt: skip
    """Everything the day needs, stored; ``now`` is the simulated start of the day."""
    prepare_storage(runtime.engine)
    created = _funds_and_campaigns(runtime)
    logins = _agents(runtime, [c for c, _ in created], agents, phones)
    files = write_day_files(folder, people, seed, bad_ratio)
    campaigns = [
        _fill(runtime, campaign_id, fund_id, file, now, hours, pacing)
        for (campaign_id, fund_id), file in zip(created, files, strict=True)
    ]
    opt_out_file = folder / "liste-oppositions.csv"
    write_opt_out_list(runtime, campaigns[0].campaign_id, opt_out_file, opt_out_ratio, seed)
    opted = apply_opt_out_list(runtime, opt_out_file, now)
    return World(campaigns, logins, opted)


def _fill(runtime: Runtime, campaign_id: int, fund_id: int, file: FundFile, now: datetime,
          hours: float, pacing: str) -> DayCampaign:  # fmt: skip
    """The campaign's file imported and its wave scheduled over the whole day."""
    summary, _job = import_contacts(runtime.engine, campaign_id, file.path, runtime.cipher)
    with session_scope(runtime.engine) as session:
        wave = schedule_wave(
            session, campaign_id, "Journée complète", now, now + timedelta(hours=hours),
            pacing_mode=pacing, now=now,
        )  # fmt: skip
        wave_id = require_id(wave)
    imported = summary.stored + summary.updated + summary.unchanged + summary.merged
    return DayCampaign(campaign_id, fund_id, wave_id, file.rows, imported, summary.rejected_rows)


def _funds_and_campaigns(runtime: Runtime) -> list[tuple[int, int]]:
    """(campaign, fund) of each of the day's campaigns."""
    created = []
    with session_scope(runtime.engine) as session:
        funds = {code: create_fund(session, code, name, where) for code, name, where in FUNDS}
        for code, name, theme, fund_code in CAMPAIGNS:
            fund = funds[fund_code]
            campaign = create_campaign(session, code, name, theme, fund, "+33140000000",
                                       CallingPolicy())  # fmt: skip
            campaign.status = CampaignStatus.ACTIVE
            campaign.pacing_mode = "predictive"
            session.add(campaign)
            session.flush()
            # The script is ready before the day, as after a manager's review; it also
            # keeps the agents' first pops from racing to store the shipped version 1.
            current_version(session, theme, campaign.id)
            created.append((require_id(campaign), require_id(fund)))
    return created


def _agents(
    runtime: Runtime, campaign_ids: list[int], count: int, phones: tuple[str, ...] = ()
) -> list[AgentLogin]:
    """The agents, shared out between the campaigns (``AGENT_SHARES``)."""
    logins = []
    with session_scope(runtime.engine) as session:
        for n in range(1, count + 1):
            password = secrets.token_urlsafe(16)
            username = f"agent{n:03d}"
            # Real phones when given, else virtual agents 800-999 of extensions-test.conf.
            phone = phones[n - 1] if n <= len(phones) else str(800 + (n - 1) % 200)
            user = create_user(session, username, f"Agent {n}", "agent", password, phone)
            share = AGENT_SHARES[(n - 1) % len(AGENT_SHARES)]
            campaign_id = campaign_ids[share % len(campaign_ids)]
            session.add(CampaignAgent(campaign_id=campaign_id, user_id=require_id(user),
                                      enabled_by="dialer-day"))  # fmt: skip
            logins.append(AgentLogin(require_id(user), username, password, campaign_id))
    return logins


def write_opt_out_list(runtime: Runtime, campaign_id: int, path: Path, ratio: float,
                       seed: int) -> int:  # fmt: skip
    """The fund's list of people refusing calls: a seeded share of the campaign's people."""
    with Session(runtime.engine) as session:
        phones = session.exec(
            select(Person.phone_e164)
            .join(CampaignContact, col(CampaignContact.person_id) == col(Person.id))
            .where(CampaignContact.campaign_id == campaign_id)
            .order_by(col(Person.id))
        ).all()
    chosen = random.Random(seed).sample(
        [p for p in phones if p], round(len(phones) * ratio)
    )  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(OPT_OUT_HEADER)
        writer.writerows([phone, "appels", "opposition"] for phone in chosen)
    return len(chosen)


def apply_opt_out_list(runtime: Runtime, path: Path, now: datetime) -> int:
    """Record each listed person's refusal of calls in the consent ledger (source fund_file)."""
    recorded = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    with session_scope(runtime.engine) as session:
        for row in rows:
            try:
                phone = normalise_phone(row[0]).e164
            except (FieldError, ValueError, IndexError):
                continue
            ids = session.exec(select(Person.id).where(Person.phone_e164 == phone)).all()
            for person_id in ids:
                if person_id is not None:
                    ledger.record(session, person_id, "call", "opt_out", "fund_file",
                                  COMMISSIONING_FUND, reference=path.name, now=now)  # fmt: skip
                    recorded += 1
        session.flush()
        refresh_statistics(session, "consententry")
    return recorded
