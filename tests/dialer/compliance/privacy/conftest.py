"""A small populated database: one fund, three themed campaigns, imported contacts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.importing.pipeline import import_contacts
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.compliance.feed.webhooks import set_webhook
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.territories import Territory
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.demo.contact_file import write_contact_file


@dataclass(frozen=True)
class World:
    fund_id: int
    campaigns: dict[str, int]  # theme -> campaign id

    def person_ids(self, engine: Engine, theme: str) -> list[int]:
        with Session(engine) as session:
            rows = session.exec(
                select(CampaignContact.person_id)
                .where(CampaignContact.campaign_id == self.campaigns[theme])
                .order_by(col(CampaignContact.id))
            )
            return list(rows)


@pytest.fixture
def world(engine: Engine, cipher: DataCipher, tmp_path: Path) -> World:
    with session_scope(engine) as session:
        fund = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        set_webhook(session, cipher, fund.id or 0, "https://cpam75.example/hook", "s3cret-hook")
        campaigns = {
            theme: create_campaign(
                session, theme.upper(), theme, theme, fund, "0162000000"
            ).id or 0
            for theme in ("flu_vaccination", "ameli_account")
        }  # fmt: skip
        fund_id = fund.id or 0
    for seed, (theme, campaign_id) in enumerate(campaigns.items()):
        path = tmp_path / f"{theme}.csv"
        write_contact_file(path, theme, 6, seed=seed + 1, bad_ratio=0.0)
        import_contacts(engine, campaign_id, path, cipher)
    return World(fund_id, campaigns)
