"""Demo data for the embedded default: funds, people who sign in, campaigns, contacts.

Idempotent: seeding a database that already has the demo funds does nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.accounts.roles import role_label_fr
from dialer.accounts.users import create_user
from dialer.campaigns.importing.pipeline import import_contacts
from dialer.campaigns.models import Campaign, CampaignAgent, CampaignStatus
from dialer.campaigns.policies import CallingPolicy, TimeWindow
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.supervision import DestinationKind
from dialer.contacts.funds import Fund
from dialer.contacts.territories import Territory
from dialer.core.columns import require_id
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.demo.contact_file import write_contact_file
from dialer.engine.callcontrol.journal import add_destination, enable_supervisor


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    # The demo agents' phones are the first agents of asterisk/pjsip.conf, so the
    # same logins work against the simulator and a real test PBX.
    phone: str | None = None

    @property
    def label(self) -> str:
        # The pages' name of the role, so the start-up banner says the same.
        return role_label_fr(self.role)

    @property
    def full_name(self) -> str:
        return f"{self.username.capitalize()} (démo)"


DEMO_LOGINS = (
    DemoLogin("agent1", "agent1-demo-2026", "agent", "901"),
    DemoLogin("agent2", "agent2-demo-2026", "agent", "902"),
    DemoLogin("manager", "manager-demo-2026", "manager"),
    DemoLogin("superviseur", "superviseur-demo-2026", "supervisor", "905"),
    DemoLogin("dpo", "dpo-demo-2026", "dpo"),
    DemoLogin("admin", "admin-demo-2026", "admin"),
)

DEMO_FUNDS = (
    ("CPAM75", "CPAM de Paris", Territory.METRO),
    ("CGSS974", "CGSS de La Réunion", Territory.REUNION),
    ("CGSS971", "CGSS de Guadeloupe", Territory.GUADELOUPE),
)

# The first campaign is active and callable at any hour, so a newcomer can take a
# simulated call whenever they try the demo; the others keep the real calling rules.
DEMO_CAMPAIGNS = (
    ("GRIPPE-75", "Vaccination antigrippale 2026 (démo)", "flu_vaccination", "CPAM75", 120),
    ("EBD-974", "Examen bucco-dentaire M'T dents", "child_dental", "CGSS974", 60),
    ("AMELI-971", "Activation du compte ameli", "ameli_account", "CGSS971", 40),
)


def seed_demo(engine: Engine, cipher: DataCipher) -> bool:
    """Load the demo data once; returns False when it was already there."""
    with Session(engine) as session:
        if session.exec(select(Fund).where(Fund.code == DEMO_FUNDS[0][0])).first():
            return False
    with session_scope(engine) as session:
        funds = {code: create_fund(session, code, name, t) for code, name, t in DEMO_FUNDS}
        users = [
            create_user(session, d.username, d.full_name, d.role, d.password, d.phone)
            for d in DEMO_LOGINS
        ]
        campaigns = [
            create_campaign(session, code, name, theme, funds[fund], "+33162000000")
            for code, name, theme, fund, _ in DEMO_CAMPAIGNS
        ]
        demo = campaigns[0]
        demo.calling_policy = always_open_policy().model_dump(mode="json")
        demo.status = CampaignStatus.ACTIVE
        session.add(demo)
        for campaign in campaigns:
            for user in users:
                if user.role == "agent":
                    session.add(
                        CampaignAgent(
                            campaign_id=require_id(campaign),
                            user_id=require_id(user),
                            enabled_by="demo",
                        )
                    )
        _supervision(session, campaigns, users)
        campaign_ids = [(require_id(c), c.theme) for c in campaigns]
    _import_demo_contacts(engine, cipher, campaign_ids)
    return True


def _supervision(session: Session, campaigns: list[Campaign], users: list[User]) -> None:
    """The demo supervisor watches every campaign; the demo campaign can transfer."""
    for user in users:
        if user.role == "supervisor":
            for campaign in campaigns:
                enable_supervisor(session, require_id(campaign), require_id(user), "demo")
    demo_id = require_id(campaigns[0])
    add_destination(session, demo_id, "Superviseur (poste 905)", "905", DestinationKind.SUPERVISOR)
    add_destination(
        session, demo_id, "CPAM de Paris : service de second niveau", "+33198765432",
        DestinationKind.FUND,
    )  # fmt: skip


def always_open_policy() -> CallingPolicy:
    return CallingPolicy(
        windows=[TimeWindow(start=time(0, 0), end=time(23, 59, 59))],
        weekdays=list(range(7)),
        skip_public_holidays=False,
        wrap_up_seconds=10,
    )


def _import_demo_contacts(
    engine: Engine, cipher: DataCipher, campaigns: list[tuple[int, str]]
) -> None:
    counts = {code: count for code, _, _, _, count in DEMO_CAMPAIGNS}
    with tempfile.TemporaryDirectory() as folder:
        for (campaign_id, theme), count in zip(campaigns, counts.values(), strict=True):
            path = Path(folder) / f"{theme}.csv"
            write_contact_file(path, theme, count, seed=campaign_id, bad_ratio=0.03)
            import_contacts(engine, campaign_id, path, cipher)
