"""Closing a campaign: waves stopped, provisional codes purged at once and traced."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.campaigns.models import Campaign, Wave
from dialer.campaigns.waves import schedule_wave
from dialer.compliance.privacy.closing import close_and_purge
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_people, make_campaign


def _ameli_campaign(engine: Engine) -> tuple[int, list[int]]:
    campaign_id = make_campaign(engine, code="AMELI")
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.theme = "ameli_account"
    contacts = add_people(engine, campaign_id, ["+33612340001", "+33612340002", "+33612340003"])
    with session_scope(engine) as session:
        for contact_id in contacts[:2]:
            contact = session.get(CampaignContact, contact_id)
            assert contact is not None
            contact.theme_data = {"provisional_code": "ABCD1234", "email_known": True}
    return campaign_id, contacts


def test_closing_purges_codes_stops_waves_and_leaves_a_trace(engine: Engine) -> None:
    campaign_id, contacts = _ameli_campaign(engine)
    now = utcnow()
    with session_scope(engine) as session:
        schedule_wave(session, campaign_id, "Vague", now, now + timedelta(hours=3))
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        report = close_and_purge(session, campaign, "gestion", now)
    assert (report.waves_stopped, report.codes_purged, report.contacts_left) == (1, 2, 3)
    assert "2 codes provisoires purgés" in report.text_fr().replace("\u202f", " ")
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == "closed"
        assert campaign.closed_at == now
        data = [session.get(CampaignContact, c).theme_data for c in contacts]  # type: ignore[union-attr]
        assert data[0] == {"email_known": True} and data[1] == {"email_known": True}
        waves = session.exec(select(Wave).where(Wave.campaign_id == campaign_id)).all()
        assert [w.status for w in waves] == ["stopped"]
        trail = session.exec(
            select(AccessEntry).where(AccessEntry.campaign_id == campaign_id)
        ).all()
        assert [(t.actor, t.action, t.fields) for t in trail] == [
            ("gestion", "purge", ["provisional_code"])
        ]
