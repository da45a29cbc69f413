"""The readiness checklist: each item judged, each unmet one naming its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from dialer.campaigns.caller_ids import caller_id_problem, national_text
from dialer.campaigns.models import Campaign
from dialer.campaigns.readiness import Fix, ReadinessFacts, judge, load_readiness
from dialer.campaigns.waves import schedule_wave
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_agents, add_people, make_campaign

WINTER = datetime(2026, 12, 8, 9, 0)


def test_caller_ids_in_the_automated_calling_ranges() -> None:
    assert caller_id_problem("+33162000000") is None
    assert caller_id_problem("+33948123456") is None
    problem = caller_id_problem("+33140000000")
    assert problem is not None and "01 40 00 00 00" in problem and "ARCEP" in problem
    assert caller_id_problem("+262262000000") is not None
    assert national_text("+33162000000") == "01 62 00 00 00"


def test_every_unmet_item_names_its_fix() -> None:
    empty = ReadinessFacts(
        0, "Le script n'a pas pu être affiché : x.", 0, None, "+33140000000", False
    )
    no_wave = judge(empty)[3]
    assert no_wave.met and "compose dans ses plages horaires" in no_wave.detail_fr
    items = judge(replace(empty, has_waves=True))
    assert [i.key for i in items] == ["import", "script", "agents", "wave", "caller_id"]
    assert [i.fix for i in items] == [Fix.IMPORT, Fix.SCRIPT, Fix.AGENTS, Fix.WAVES, Fix.EDIT]
    assert not any(i.met for i in items)
    ready = ReadinessFacts(1240, None, 3, (WINTER, WINTER + timedelta(hours=4)), "+33162000000")
    items = judge(ready)
    assert all(i.met and i.fix is None for i in items)
    by_key = {i.key: i.detail_fr.replace("\u202f", " ") for i in items}
    assert by_key["import"] == "1 240 contacts importés"
    assert (
        by_key["wave"]
        == "Prochaine plage : du 08/12/2026 10:00 au 08/12/2026 14:00 (heure de Paris)."
    )


def test_readiness_read_from_the_database(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    now = utcnow()
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        unmet = {i.key for i in load_readiness(session, campaign, now) if not i.met}
    # The shipped script is valid; without any wave it would dial in its windows once active.
    assert unmet == {"import", "agents", "caller_id"}
    add_people(engine, campaign_id, ["+33612340001"])
    add_agents(engine, campaign_id, 1, now)
    with session_scope(engine) as session:
        schedule_wave(session, campaign_id, "Vague", now, now + timedelta(hours=2))
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.caller_id = "+33162000000"
        unmet = {i.key for i in load_readiness(session, campaign, now) if not i.met}
    assert unmet == set()
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        later = now + timedelta(hours=3)
        # Its only wave over: a campaign with waves dials only during them.
        wave = load_readiness(session, campaign, later)[3]
    assert (wave.key, wave.met, wave.fix) == ("wave", False, Fix.WAVES)
    assert wave.detail_fr.startswith("Aucune vague à venir")
