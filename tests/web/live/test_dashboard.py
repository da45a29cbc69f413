"""The dashboard's JSON snapshot counts today's rows of this campaign, and only those."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.engine.calling import presence
from tests.web.conftest import World, sign_in
from web.live.snapshot import day_start_utc, take_snapshot


def _contact(db: Session, campaign_id: int, fund_id: int, n: int, status: str) -> CampaignContact:
    person = Person(
        audience="insured", identity_key=f"dash-{campaign_id}-{n}", fund_id=fund_id,
        phone_e164=f"+336120000{n:02d}", territory=Territory.METRO.value,
        time_zone="Europe/Paris",
    )  # fmt: skip
    db.add(person)
    db.flush()
    contact = CampaignContact(campaign_id=campaign_id, person_id=person.id or 0, status=status)
    db.add(contact)
    db.flush()
    return contact


def _attempt(
    db: Session, contact: CampaignContact, at: datetime, result: str | None, answered: bool
) -> CallAttempt:
    attempt = CallAttempt(
        campaign_id=contact.campaign_id, contact_id=contact.id or 0, person_id=contact.person_id,
        worker_id="w", number_e164="+33612000000", created_at=at, result=result,
        answered_at=at if answered else None,
    )  # fmt: skip
    db.add(attempt)
    db.flush()
    return attempt


# Minutes after the fund's midnight of each attempt today, and its ending.
TODAY = (
    (5, "answered", True), (20, "answered", True), (25, "abandoned", True),
    (50, "busy", False), (610, "no_answer", False), (899, None, False),
)  # fmt: skip


def seed_day(engine: Engine, campaign_id: int, fund_id: int, now: datetime) -> None:
    """Six attempts today, one yesterday; two outcomes; two agents (one available)."""
    start = day_start_utc("Europe/Paris", now)
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.abandon_target = 0.05
        contacts = [_contact(db, campaign_id, fund_id, n, "pending") for n in range(6)]
        contacts[5].status = "done"
        for contact, (minutes, result, answered) in zip(contacts, TODAY, strict=True):
            _attempt(db, contact, start + timedelta(minutes=minutes), result, answered)
        _attempt(db, contacts[0], start - timedelta(hours=2), "answered", True)  # yesterday
        for contact, offer in ((contacts[0], "accepted"), (contacts[1], "refused")):
            db.add(Outcome(contact_id=contact.id or 0, campaign_id=campaign_id,
                           person_id=contact.person_id, interview="accepted", offer=offer,
                           created_at=now))  # fmt: skip
        for n in range(2):
            user = User(
                username=f"dash{n}",
                full_name="Agent",
                role="agent",
                phone_endpoint="902",
                password_hash="-",
            )
            db.add(user)
            db.flush()
            db.add(CampaignAgent(campaign_id=campaign_id, user_id=user.id or 0, enabled_by="t"))
            db.flush()
            presence.log_in(db, user.id or 0, campaign_id, now)
            if n == 0:
                presence.make_available(db, user.id or 0, now)
        db.commit()


def test_snapshot_counts_today_of_this_campaign(engine: Engine) -> None:
    now = datetime(2026, 3, 10, 14, 0)  # 15:00 in Paris: the day's 61st quarter hour
    with Session(engine) as db:
        fund = create_fund(db, "CPAM33", "CPAM de la Gironde", Territory.METRO)
        campaign = create_campaign(db, "DASH", "Tableau", "flu_vaccination", fund, "0140000000")
        other = create_campaign(db, "OTHER", "Autre", "flu_vaccination", fund, "0140000000")
        db.commit()
        ids = (campaign.id or 0, other.id or 0, fund.id or 0)
    seed_day(engine, ids[0], ids[2], now)
    with Session(engine) as db:
        found = db.get(Campaign, ids[0])
        empty = db.get(Campaign, ids[1])
        assert found is not None and empty is not None
        snap = take_snapshot(db, found, now)
        nothing = take_snapshot(db, empty, now)
    assert snap.attempts_today == 6 and snap.calls_in_progress == 1
    assert (snap.answered_today, snap.abandoned_today) == (3, 1)
    assert snap.answer_rate == round(3 / 5, 4)  # answered among the ended attempts
    assert snap.abandon_rate == round(1 / 3, 4) and snap.abandon_target == 0.05
    assert snap.acceptance_rate == 0.5
    assert snap.outcomes_today["total"] == 2 and snap.outcomes_today["offer_accepted"] == 1
    assert snap.agents["available"] == 1 and snap.agents["paused"] == 1
    assert snap.left_to_call == 5
    assert snap.day_start == "2026-03-09T23:00:00" and len(snap.per_quarter) == 61
    expected = [0] * 61
    for index in (0, 1, 1, 3, 40, 59):
        expected[index] += 1
    assert snap.per_quarter == expected
    assert (nothing.attempts_today, nothing.answer_rate, sum(nothing.per_quarter)) == (0, None, 0)


def test_dashboard_json_and_page_for_managers_only(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_day(app.state.runtime.engine, world.campaign_id, world.fund_id, utcnow())
    sign_in(client, "gestion")
    data = client.get(f"/campagnes/{world.campaign_id}/tableau/donnees").json()
    assert data["attempts_today"] == 6 and data["left_to_call"] == 5
    # The draft campaign says why it does not dial (dialer.campaigns.selection's explanation).
    assert "La campagne n'est pas active (statut : brouillon)." in data["why_idle"]
    assert data["why_at"] is not None
    page = client.get(f"/campagnes/{world.campaign_id}/tableau")
    assert page.status_code == 200 and "Pourquoi rien ne compose ?" in page.text
    assert client.get("/campagnes/9999/tableau/donnees").status_code == 404


def test_agents_cannot_read_the_dashboard(client: TestClient, world: World) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/campagnes/{world.campaign_id}/tableau/donnees").status_code == 403
    assert client.get(f"/campagnes/{world.campaign_id}/tableau/flux").status_code == 403


def test_machines_are_counted_apart_never_as_answered(engine: Engine) -> None:
    now = datetime(2026, 3, 10, 14, 0)
    with Session(engine) as db:
        fund = create_fund(db, "CPAM33", "CPAM de la Gironde", Territory.METRO)
        campaign = create_campaign(db, "AMD", "Répondeurs", "flu_vaccination", fund, "0140000000")
        db.flush()
        start = day_start_utc("Europe/Paris", now)
        for n, result in enumerate(("machine", "machine", "answered")):
            contact = _contact(db, campaign.id or 0, fund.id or 0, n, "pending")
            # The PBX answered all three; AMD said two were machines.
            _attempt(db, contact, start + timedelta(minutes=10 + n), result, True)
        db.commit()
        snap = take_snapshot(db, campaign, now)
    assert (snap.machines_today, snap.answered_today) == (2, 1)
    assert snap.answer_rate == round(1 / 3, 4)
