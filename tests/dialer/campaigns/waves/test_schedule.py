"""Scheduling a wave fixes its cohort: all, remaining, filtered, with quotas per fund."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, Wave
from dialer.campaigns.waves import WaveError, schedule_wave
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.campaigns.waves.builders import Someone, add_someone, members
from tests.dialer.engine.calling.conftest import make_campaign

REUNION = Someone(Territory.REUNION, "97400", "CGSS974", {"flu_vaccinated": False})


def _schedule(engine: Engine, campaign_id: int, cohort: str = "all", **extra: object) -> Wave:
    now = utcnow()
    args: dict[str, object] = {
        "starts_at": now + timedelta(hours=1),
        "ends_at": now + timedelta(hours=5),
        "cohort": cohort,
        # These waves share their times on purpose: they compare cohorts side by side.
        "confirm_overlap": True,
    }
    args.update(extra)
    with session_scope(engine) as session:
        return schedule_wave(session, campaign_id, "Vague", **args)  # type: ignore[arg-type]


def test_all_takes_every_contact_not_done(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    a, b, c = add_someone(engine, campaign_id, [Someone(), Someone(), Someone()])
    with session_scope(engine) as session:
        contact = session.get(CampaignContact, b)
        assert contact is not None
        contact.status = "done"
    wave = _schedule(engine, campaign_id)
    assert wave.status == "scheduled" and wave.pacing_mode == "progressive"
    assert members(engine, wave.id or 0) == [a, c]


def test_remaining_carries_over_the_people_not_reached(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    reached, missed, fresh = add_someone(engine, campaign_id, [Someone()] * 3)
    first = _schedule(engine, campaign_id)
    now = utcnow()
    with session_scope(engine) as session:
        for contact_id, connected in ((reached, now), (missed, None)):
            contact = session.get(CampaignContact, contact_id)
            assert contact is not None
            session.add(
                CallAttempt(
                    campaign_id=campaign_id, contact_id=contact_id, person_id=contact.person_id,
                    wave_id=first.id, worker_id="w", number_e164="+33612340000",
                    state="ended", result="answered" if connected else "busy",
                    connected_at=connected,
                )
            )  # fmt: skip
    second = _schedule(engine, campaign_id, "remaining")
    assert members(engine, second.id or 0) == [missed, fresh]
    # "all" ignores what earlier waves did.
    assert members(engine, _schedule(engine, campaign_id).id or 0) == [reached, missed, fresh]


def test_filter_by_territory_postal_code_and_theme_field(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    ids = add_someone(
        engine,
        campaign_id,
        [
            REUNION,
            Someone(Territory.REUNION, "97410", "CGSS974", {"flu_vaccinated": True}),
            Someone(Territory.METRO, "97400", "F-C1"),  # postal code alone is not the territory
            Someone(Territory.MAYOTTE, "97600", "CSS976"),
        ],
    )
    by_territory = _schedule(engine, campaign_id, "filter", cohort_filter={"territory": "reunion"})
    assert members(engine, by_territory.id or 0) == ids[:2]
    assert by_territory.cohort_filter == {"territory": "reunion"}
    by_prefix = _schedule(
        engine, campaign_id, "filter", cohort_filter={"postal_code_prefix": "974"}
    )
    assert members(engine, by_prefix.id or 0) == ids[:3]
    by_theme = _schedule(
        engine,
        campaign_id,
        "filter",
        cohort_filter={"territory": "reunion", "theme.flu_vaccinated": "non"},
    )
    assert members(engine, by_theme.id or 0) == ids[:1]


def test_quota_per_fund_keeps_the_first_contacts_of_each_fund(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    ids = add_someone(engine, campaign_id, [REUNION, Someone(), REUNION, Someone(), REUNION])
    wave = _schedule(engine, campaign_id, quota_per_fund={"CGSS974": 2})
    assert members(engine, wave.id or 0) == [ids[0], ids[1], ids[2], ids[3]]
    assert wave.quota_per_fund == {"CGSS974": 2}


def _times(hours_from: float, hours_to: float) -> dict[str, datetime]:
    now = utcnow()
    return {
        "starts_at": now + timedelta(hours=hours_from),
        "ends_at": now + timedelta(hours=hours_to),
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (_times(3, 2), "La fin de la vague doit être postérieure à son début"),
        (_times(-3, -1), "La fin de la vague est déjà passée"),
        ({"pacing_mode": "turbo"}, "Mode de numérotation inconnu : turbo"),
        ({"cohort": "tous"}, "Cohorte inconnue : tous"),
        ({"cohort": "filter"}, "Une cohorte filtrée demande au moins un filtre"),
        ({"cohort": "filter", "cohort_filter": {"territory": "atlantide"}}, "Territoire inconnu"),
        ({"cohort": "filter", "cohort_filter": {"age": "3"}}, "Filtre inconnu : age"),
        ({"quota_per_fund": {"NOPE": 3}}, "Caisse inconnue dans le quota : NOPE"),
        ({"quota_per_fund": {"F-C1": -1}}, "Quota de la caisse F-C1"),
    ],
)
def test_bad_requests_get_clear_french_errors(
    engine: Engine, extra: dict[str, object], message: str
) -> None:
    campaign_id = make_campaign(engine)
    add_someone(engine, campaign_id, [Someone()])
    with pytest.raises(WaveError, match=message):
        _schedule(engine, campaign_id, **extra)  # type: ignore[arg-type]


def test_no_wave_on_a_closed_campaign(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.status = "closed"
    with pytest.raises(WaveError, match="La campagne est clôturée"):
        _schedule(engine, campaign_id)
