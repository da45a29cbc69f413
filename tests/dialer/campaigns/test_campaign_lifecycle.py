"""A campaign's life: the transition table, what an edit may change, waves and pauses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.lifecycle import (
    CampaignEdit,
    CampaignEvent,
    CampaignTransitionRefused,
    allowed_campaign_events,
    apply_edit,
    check_edit,
    move_campaign,
    next_campaign_status,
)
from dialer.campaigns.models import Campaign, CampaignStatus
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.waves import schedule_wave, start_wave
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import make_campaign

S, E = CampaignStatus, CampaignEvent


def _campaign(status: CampaignStatus) -> Campaign:
    return Campaign(
        id=1, code="C", name="Campagne", theme="flu_vaccination", audience="insured",
        fund_id=1, caller_id="+33162000000", status=status.value,
    )  # fmt: skip


def _edit(**changes: object) -> CampaignEdit:
    values: dict[str, object] = {
        "name": "Nouveau nom", "theme": "flu_vaccination", "fund_id": 1,
        "caller_id": "+33162000001", "policy": CallingPolicy(max_attempts=5),
    }  # fmt: skip
    values.update(changes)
    return CampaignEdit(**values)  # type: ignore[arg-type]


def test_the_transition_table() -> None:
    assert next_campaign_status(S.DRAFT, E.ACTIVATE) is S.ACTIVE
    assert next_campaign_status(S.ACTIVE, E.PAUSE) is S.PAUSED
    assert next_campaign_status(S.PAUSED, E.RESUME) is S.ACTIVE
    for status in (S.DRAFT, S.ACTIVE, S.PAUSED):
        assert next_campaign_status(status, E.CLOSE) is S.CLOSED
    assert allowed_campaign_events(S.CLOSED) == []
    assert allowed_campaign_events(S.ACTIVE) == [E.PAUSE, E.CLOSE]
    with pytest.raises(
        CampaignTransitionRefused, match="Impossible de reprendre une campagne en cours"
    ):
        next_campaign_status(S.ACTIVE, E.RESUME)
    with pytest.raises(CampaignTransitionRefused, match="clôturée"):
        next_campaign_status(S.CLOSED, E.ACTIVATE)


@pytest.mark.parametrize("status", [S.ACTIVE, S.PAUSED])
def test_a_started_campaign_keeps_its_theme_and_fund_with_the_reason(
    status: CampaignStatus,
) -> None:
    campaign = _campaign(status)
    with pytest.raises(CampaignTransitionRefused, match="Le thème ne peut plus changer"):
        check_edit(campaign, _edit(theme="child_dental"), has_contacts=True)
    with pytest.raises(CampaignTransitionRefused, match="caisse commanditaire ne peut plus"):
        check_edit(campaign, _edit(fund_id=2), has_contacts=True)
    check_edit(campaign, _edit(), has_contacts=True)  # name, caller ID, policy: allowed


def test_a_draft_changes_theme_until_contacts_are_imported() -> None:
    draft = _campaign(S.DRAFT)
    check_edit(draft, _edit(theme="child_dental", fund_id=2), has_contacts=False)
    with pytest.raises(CampaignTransitionRefused, match="contacts ont déjà été importés"):
        check_edit(draft, _edit(theme="child_dental"), has_contacts=True)
    with pytest.raises(CampaignTransitionRefused, match="définitifs"):
        check_edit(_campaign(S.CLOSED), _edit(), has_contacts=False)


def test_an_edit_rewrites_what_the_pacing_reads(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    policy = CallingPolicy(max_attempts=5, abandon_target=0.02, wrap_up_seconds=40)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        apply_edit(session, campaign, _edit(policy=policy), has_contacts=False)
    with session_scope(engine) as session:
        stored = session.get(Campaign, campaign_id)
        assert stored is not None
        assert (stored.name, stored.caller_id) == ("Nouveau nom", "+33162000001")
        assert stored.calling_policy["max_attempts"] == 5
        assert (stored.abandon_target, stored.wrap_up_seconds) == (0.02, 40)


def test_a_wave_starting_leaves_a_paused_campaign_paused(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    now = utcnow()
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        move_campaign(session, campaign, E.PAUSE)
        wave = schedule_wave(session, campaign_id, "Vague", now, now + timedelta(hours=2))
        start_wave(session, wave.id or 0, now)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == S.PAUSED


def test_closing_goes_through_its_confirmation(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        with pytest.raises(ValueError, match="confirmation"):
            move_campaign(session, campaign, E.CLOSE)
