"""Reports: the period chosen, and the figures the database gives for it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.engine.reports import PeriodError, campaign_report, choose_period, fund_report

TODAY = date(2026, 12, 2)  # a Wednesday, Paris winter time (UTC+1)
NOW = datetime(2026, 12, 2, 9)


def test_a_day_is_a_paris_day_in_utc() -> None:
    period = choose_period("jour", "01/12/2026", "", "", TODAY)
    assert period.utc_bounds() == (datetime(2026, 11, 30, 23), datetime(2026, 12, 1, 23))


def test_a_week_runs_monday_to_sunday() -> None:
    period = choose_period("semaine", "2026-12-02", "", "", TODAY)
    assert (period.first_day, period.last_day) == (date(2026, 11, 30), date(2026, 12, 6))


def test_the_day_the_clocks_change_has_23_hours() -> None:
    start, end = choose_period("jour", "29/03/2026", "", "", TODAY).utc_bounds()
    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-01-01", "2026-01-02", "un an au plus"),
        ("2026-12-02", "2026-12-01", "précède"),
        ("hier", "2026-12-01", "JJ/MM/AAAA"),
    ],
)
def test_bad_ranges_are_refused_in_french(start: str, end: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        choose_period("periode", "", start, end, TODAY)


def test_a_full_year_is_allowed() -> None:
    assert choose_period("periode", "", "2025-01-01", "2025-12-31", TODAY).days == 365


def _seed(engine: Engine) -> tuple[int, int]:
    """Dec 1st (Paris): 10:xx four attempts (2 reached, 1 abandoned), 11:xx one; agent talks."""
    with Session(engine) as db:
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(db, "G-1", "Grippe", "flu_vaccination", fund, "0140000000")
        other = create_campaign(db, "G-2", "Autre", "flu_vaccination", fund, "0140000000")
        agent = User(username="a1", full_name="Agent Un", role="agent", password_hash="-")
        db.add(agent)
        db.flush()
        people = []
        for n in range(3):
            person = Person(
                audience="insured", identity_key=f"p{n}", fund_id=fund.id or 0,
                territory="metro", time_zone="Europe/Paris",
            )  # fmt: skip
            db.add(person)
            db.flush()
            contact = CampaignContact(campaign_id=campaign.id or 0, person_id=person.id or 0)
            db.add(contact)
            db.flush()
            people.append(contact)
        ten = datetime(2026, 12, 1, 9, 5)  # 10:05 in Paris
        rows = [
            (people[0], ten, "answered", agent.id, 120),
            (people[0], ten + timedelta(minutes=10), "answered", agent.id, 60),
            (people[1], ten + timedelta(minutes=20), "abandoned", None, 0),
            (people[2], ten + timedelta(minutes=30), "busy", None, 0),
            (people[2], ten + timedelta(hours=1), "no_answer", None, 0),
            (people[2], ten - timedelta(days=1), "answered", agent.id, 30),  # the day before
        ]
        for contact, at, result, agent_id, talk in rows:
            answered = result in ("answered", "abandoned")
            attempt = CallAttempt(
                campaign_id=contact.campaign_id, contact_id=contact.id or 0,
                person_id=contact.person_id, worker_id="w", number_e164="+33612000000",
                agent_user_id=agent_id, result=result, created_at=at,
                answered_at=at if answered else None,
                connected_at=at if agent_id else None,
                ended_at=at + timedelta(seconds=talk) if agent_id else None,
            )  # fmt: skip
            db.add(attempt)
            db.flush()
            if agent_id and at.day == 1:
                db.add(
                    Outcome(
                        attempt_id=attempt.id,
                        contact_id=contact.id or 0,
                        campaign_id=contact.campaign_id,
                        person_id=contact.person_id,
                        agent_user_id=agent_id,
                        interview="accepted",
                        offer="accepted" if talk > 100 else "refused",
                        callback_at=at + timedelta(days=2) if talk < 100 else None,
                        consent_changes={"phone": "opt_out"} if talk < 100 else {},
                        created_at=at + timedelta(seconds=talk + 15),
                    )  # fmt: skip
                )
        db.add(
            CallAttempt(
                campaign_id=other.id or 0,
                contact_id=people[0].id or 0,
                person_id=people[0].person_id,
                worker_id="w",
                number_e164="+33612000000",
                result="abandoned",
                answered_at=ten,
                created_at=ten,
            )  # fmt: skip
        )
        db.commit()
        return campaign.id or 0, fund.id or 0


def test_a_campaign_day_counts_attempts_people_outcomes_and_abandons(engine: Engine) -> None:
    campaign_id, _ = _seed(engine)
    period = choose_period("jour", "2026-12-01", "", "", TODAY)
    with Session(engine) as db:
        from dialer.campaigns.models import Campaign

        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        report = campaign_report(db, campaign, period, NOW)
    totals = report.totals
    assert (totals.attempts, totals.reached, totals.abandoned) == (5, 3, 1)
    assert totals.first_reached == 2  # the same person reached twice counts once
    assert (totals.interviews_accepted, totals.offers_accepted, totals.offers_refused) == (2, 1, 1)
    assert (totals.callbacks, totals.opt_outs) == (1, 1)
    assert [line.local_hour.hour for line in report.hours] == [10, 11]
    assert report.hours[0].abandon_rate == pytest.approx(1 / 3)
    assert report.hours[1].abandon_rate == 0.0
    [agent] = report.agents
    assert (agent.name, agent.calls, agent.talk_seconds) == ("Agent Un", 2, pytest.approx(180))
    assert agent.wrap_up_seconds == pytest.approx(30)


def test_a_fund_pools_its_campaigns(engine: Engine) -> None:
    _, fund_id = _seed(engine)
    period = choose_period("semaine", "2026-12-01", "", "", TODAY)
    with Session(engine) as db:
        from dialer.contacts.funds import Fund

        fund = db.get(Fund, fund_id)
        assert fund is not None
        report = fund_report(db, fund, period, NOW)
    assert report.totals.attempts == 7  # both campaigns, the whole week
    assert report.totals.abandoned == 2
    assert [day for day, _, _ in report.days] == [date(2026, 11, 30), date(2026, 12, 1)]


def _campaign_report(engine: Engine, campaign_id: int, now: datetime) -> object:
    from dialer.campaigns.models import Campaign

    period = choose_period("semaine", "2026-12-01", "", "", TODAY)
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign_report(db, campaign, period, now)


def test_settled_hours_are_rolled_up_once_and_read_back_the_same(engine: Engine) -> None:
    from dialer.engine.reports.models import ReportHour, ReportWatermark

    campaign_id, _ = _seed(engine)
    # At 12:00 Paris only the day before is settled: this morning's calls are counted live.
    live = _campaign_report(engine, campaign_id, datetime(2026, 12, 1, 11))
    with Session(engine) as db:
        assert [row.hour for row in db.exec(select(ReportHour))] == [datetime(2026, 11, 30, 9)]
    # A day later every hour is settled: rolled up, then read from the rollup.
    rolled = _campaign_report(engine, campaign_id, NOW)
    with Session(engine) as db:
        stored = db.exec(select(ReportHour)).all()
        mark = db.get(ReportWatermark, campaign_id)
    assert {row.hour for row in stored} == {
        datetime(2026, 11, 30, 9), datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10),
    }  # fmt: skip
    assert mark is not None and mark.rolled_until == datetime(2026, 12, 2, 7)
    assert rolled == live
    # An attempt after the watermark is counted live beside the rolled hours.
    with Session(engine) as db:
        late = datetime(2026, 12, 2, 8)
        db.add(CallAttempt(campaign_id=campaign_id, contact_id=1, person_id=1, worker_id="w",
                           number_e164="+33612000000", created_at=late))  # fmt: skip
        db.commit()
    later = _campaign_report(engine, campaign_id, NOW)
    assert later.totals.attempts == rolled.totals.attempts + 1  # type: ignore[attr-defined]


def test_the_hourly_job_rolls_every_open_campaign_up(engine: Engine) -> None:
    from dialer.engine.reports.models import ReportWatermark
    from dialer.engine.reports.rollup import roll_up_all

    campaign_id, _ = _seed(engine)
    assert roll_up_all(engine, NOW) == 2
    with Session(engine) as db:
        marks = {mark.campaign_id: mark.rolled_until for mark in db.exec(select(ReportWatermark))}
    assert marks[campaign_id] == datetime(2026, 12, 2, 7)
    assert len(marks) == 2  # the fund's other campaign had calls too
