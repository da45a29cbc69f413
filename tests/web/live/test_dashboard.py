"""The dashboard's JSON snapshot counts today's rows of this campaign, and only those."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from dialer.calling import presence
from dialer.models import (
    CallAttempt,
    Campaign,
    CampaignAgent,
    CampaignContact,
    Outcome,
    Person,
    User,
    utcnow,
)
from dialer.territories import Territory
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


def seed_day(app: FastAPI, world: World) -> datetime:
    """Six attempts today, one yesterday; two outcomes; two agents."""
    now = utcnow()
    start = day_start_utc("Europe/Paris", now)
    with Session(app.state.runtime.engine) as db:
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.abandon_target = 0.05
        contacts = [_contact(db, world.campaign_id, world.fund_id, n, "pending") for n in range(6)]
        contacts[5].status = "done"
        for contact, result, answered in zip(
            contacts,
            ("answered", "answered", "abandoned", "busy", "no_answer", None),
            (True, True, True, False, False, False),
            strict=True,
        ):
            _attempt(db, contact, max(start, now - timedelta(minutes=1)), result, answered)
        _attempt(db, contacts[0], start - timedelta(hours=2), "answered", True)  # yesterday
        for contact, offer in ((contacts[0], "accepted"), (contacts[1], "refused")):
            db.add(Outcome(contact_id=contact.id or 0, campaign_id=world.campaign_id,
                           person_id=contact.person_id, interview="accepted", offer=offer,
                           created_at=now))  # fmt: skip
        # Any active account can hold a presence row; two are enough here.
        agents = db.exec(select(User).where(col(User.username).in_(["agent1", "dpo"]))).all()
        for user in agents:
            db.add(
                CampaignAgent(campaign_id=world.campaign_id, user_id=user.id or 0, enabled_by="t")
            )
            db.flush()
            presence.log_in(db, user.id or 0, world.campaign_id, now)
        presence.make_available(db, agents[0].id or 0, now)
        db.commit()
    return now


def test_snapshot_counts_today_of_this_campaign(app: FastAPI, world: World) -> None:
    now = seed_day(app, world)
    with Session(app.state.runtime.engine) as db:
        campaign = db.get(Campaign, world.campaign_id)
        assert campaign is not None
        snap = take_snapshot(db, campaign, now)
    assert snap.attempts_today == 6 and snap.calls_in_progress == 1
    assert (snap.answered_today, snap.abandoned_today) == (3, 1)
    assert snap.answer_rate == round(3 / 5, 4)  # answered among the ended attempts
    assert snap.abandon_rate == round(1 / 3, 4) and snap.abandon_target == 0.05
    assert snap.acceptance_rate == 0.5
    assert snap.outcomes_today["total"] == 2 and snap.outcomes_today["offer_accepted"] == 1
    assert snap.agents["available"] == 1 and snap.agents["paused"] == 1
    assert snap.left_to_call == 5
    assert sum(snap.per_quarter) == 6
    assert (
        len(snap.per_quarter)
        == int((now - day_start_utc("Europe/Paris", now)).total_seconds() // 900) + 1
    )


def test_dashboard_json_and_page_for_managers_only(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_day(app, world)
    sign_in(client, "gestion")
    data = client.get(f"/campagnes/{world.campaign_id}/tableau/donnees").json()
    assert data["attempts_today"] == 6 and data["left_to_call"] == 5
    # The draft campaign says why it does not dial (dialer.selection's explanation).
    assert "La campagne n'est pas active (statut : brouillon)." in data["why_idle"]
    assert data["why_at"] is not None
    page = client.get(f"/campagnes/{world.campaign_id}/tableau")
    assert page.status_code == 200 and "Pourquoi rien ne compose ?" in page.text
    assert client.get("/campagnes/9999/tableau/donnees").status_code == 404


def test_agents_cannot_read_the_dashboard(client: TestClient, world: World) -> None:
    sign_in(client, "agent1")
    assert client.get(f"/campagnes/{world.campaign_id}/tableau/donnees").status_code == 403
    assert client.get(f"/campagnes/{world.campaign_id}/tableau/flux").status_code == 403
