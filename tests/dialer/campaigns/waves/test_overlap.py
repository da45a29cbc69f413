"""Two live waves of one campaign at once, with a shared cohort: refused unless confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.waves import schedule_wave, stop_wave
from dialer.campaigns.waves.overlap import WaveOverlap, cohorts_share_people
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import make_campaign


def test_which_cohorts_share_people() -> None:
    assert cohorts_share_people("all", {}, "filter", {"territory": "reunion"})
    assert cohorts_share_people("remaining", {}, "all", {})
    assert not cohorts_share_people(
        "filter", {"territory": "reunion"}, "filter", {"territory": "metro"}
    )
    assert cohorts_share_people(
        "filter", {"postal_code_prefix": "75"}, "filter", {"postal_code_prefix": "7501"}
    )
    assert not cohorts_share_people(
        "filter", {"postal_code_prefix": "75"}, "filter", {"postal_code_prefix": "13"}
    )


def test_an_overlapping_wave_is_refused_then_confirmed(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    now = utcnow()
    start = now + timedelta(hours=1)
    with session_scope(engine) as session:
        first = schedule_wave(session, campaign_id, "Matin", start, start + timedelta(hours=3))
    with session_scope(engine) as session, pytest.raises(WaveOverlap, match="« Matin »"):
        schedule_wave(
            session,
            campaign_id,
            "Chevauche",
            start + timedelta(hours=2),
            start + timedelta(hours=5),
        )
    with session_scope(engine) as session:
        # Right after the first one: no overlap, no question asked.
        schedule_wave(
            session, campaign_id, "Après", start + timedelta(hours=3), start + timedelta(hours=5)
        )
        # A distinct territory shares nobody with a filtered wave... but "Matin" takes all.
        with pytest.raises(WaveOverlap):
            schedule_wave(
                session, campaign_id, "Réunion", start, start + timedelta(hours=1),
                cohort="filter", cohort_filter={"territory": "reunion"},
            )  # fmt: skip
        confirmed = schedule_wave(
            session, campaign_id, "Confirmée", start, start + timedelta(hours=1),
            confirm_overlap=True,
        )  # fmt: skip
        assert confirmed.id is not None
    with session_scope(engine) as session:
        stop_wave(session, first.id or 0, now)
        stop_wave(session, confirmed.id or 0, now)
        # Stopped waves no longer count.
        schedule_wave(session, campaign_id, "Remplace", start, start + timedelta(minutes=30))
