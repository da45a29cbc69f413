"""The agent's campaign picker preselects a campaign being dialled now, never a draft."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from dialer.campaigns.setup import create_campaign
from dialer.campaigns.waves import schedule_wave
from dialer.contacts.funds import Fund
from dialer.core.columns import utcnow
from tests.web.conftest import World, sign_in
from tests.web.desk.test_presence import enable


def _selected(page: str) -> list[str]:
    picker = page[page.index('<select id="campagne"') : page.index("</select>")]
    return re.findall(r"<option [^>]*selected[^>]*>([^<]*)</option>", picker)


def _draft_first(app: FastAPI, world: World) -> int:
    """A draft whose name sorts before the world's campaign, so it would come first."""
    with Session(app.state.runtime.engine) as db:
        fund = db.get(Fund, world.fund_id)
        assert fund is not None
        draft = create_campaign(
            db, "AAA-1", "Activation ameli", "ameli_account", fund, "0140000000"
        )
        db.commit()
        return draft.id or 0


def set_status(app: FastAPI, campaign_id: int, status: str) -> None:
    """A manager's status change, straight into the database."""
    with Session(app.state.runtime.engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.status = status
        db.add(campaign)
        db.commit()


def test_the_campaign_dialling_now_is_preselected(
    app: FastAPI, client: TestClient, world: World
) -> None:
    enable(app, _draft_first(app, world), "agent1")
    enable(app, world.campaign_id, "agent1")
    set_status(app, world.campaign_id, "active")
    sign_in(client, "agent1")
    page = client.get("/poste").text
    assert _selected(page) == ["Grippe 2026 (GRIPPE-1)"]
    assert page.index("Activation ameli") < page.index("Grippe 2026")  # order kept


def test_nothing_is_preselected_when_no_campaign_dials(
    app: FastAPI, client: TestClient, world: World
) -> None:
    enable(app, _draft_first(app, world), "agent1")
    enable(app, world.campaign_id, "agent1")
    set_status(app, world.campaign_id, "active")
    with Session(app.state.runtime.engine) as db:
        # Active, but its only wave starts tomorrow: the dialer calls nobody for it now.
        later = utcnow() + timedelta(days=1)
        schedule_wave(
            db, world.campaign_id, "Demain", later, later + timedelta(hours=2),
            "all", {}, {}, "progressive",
        )  # fmt: skip
        db.commit()
    sign_in(client, "agent1")
    page = client.get("/poste").text
    assert _selected(page) == ["Choisissez une campagne"]
