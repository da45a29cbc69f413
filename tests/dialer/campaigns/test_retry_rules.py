"""The retry rules editor's domain: French refusals, versions, and the announced effect."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from dialer.campaigns.policies import RetryPolicy, RetryRule
from dialer.campaigns.retry_rules import (
    REASONS_FR,
    PendingRetry,
    RawRule,
    RetryRulesRefused,
    effect,
    parse_rules,
)
from dialer.campaigns.retry_versions import list_versions, preview_effect, save_rules
from dialer.contacts.people.models import CampaignContact
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_people, make_campaign

FIXED = RawRule("30", "1", "3", final=False)
# 10:00 in Paris on a winter Tuesday.
NOW = datetime(2026, 12, 8, 9, 0)


def _raw(**changes: RawRule) -> dict[str, RawRule]:
    rules = dict.fromkeys(REASONS_FR, FIXED)
    rules.update(changes)
    return rules


def test_rules_are_read_with_french_decimals_and_final_rows() -> None:
    policy = parse_rules(
        _raw(no_answer=RawRule("90,5", "1,5", "4", False), wrong_person=RawRule("", "", "", True))
    )
    assert policy.rules["no_answer"] == RetryRule(max_retries=4, delay_minutes=90.5, multiplier=1.5)
    assert policy.rules["wrong_person"].max_retries == 0


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (RawRule("-5", "1", "3", False), "Occupé : un délai négatif est impossible."),
        (RawRule("50000", "1", "3", False), "Occupé : délai trop long, 30 jours au plus"),
        (RawRule("abc", "1", "3", False), "Occupé : délai, un nombre est attendu."),
        (RawRule("nan", "1", "3", False), "Occupé : délai, un nombre est attendu."),
        (RawRule("30", "0,5", "3", False), "Occupé : le multiplicateur va de 1"),
        (RawRule("30", "1", "2,5", False), "Occupé : de 0 à 20 nouvelles tentatives"),
        (RawRule("30", "1", "99", False), "Occupé : de 0 à 20 nouvelles tentatives"),
        (RawRule("1440", "10", "5", False), "Occupé : la dernière tentative attendrait plus de 90"),
    ],
)
def test_absurd_rules_are_refused_in_french(rule: RawRule, message: str) -> None:
    with pytest.raises(RetryRulesRefused) as refused:
        parse_rules(_raw(busy=rule))
    assert refused.value.problems["busy"].startswith(message)
    assert list(refused.value.problems) == ["busy"]


def test_our_network_failures_keep_a_delay_and_never_end_the_contact() -> None:
    policy = parse_rules(_raw(network_failure=RawRule("10", "", "", final=True)))
    assert policy.rules["network_failure"] == RetryRule(max_retries=0, delay_minutes=10)
    with pytest.raises(RetryRulesRefused) as refused:
        parse_rules(_raw(network_failure=RawRule("0", "1", "0", final=False)))
    assert "un délai nul rappellerait en boucle" in refused.value.problems["network_failure"]


def test_the_effect_counts_by_paris_day() -> None:
    policy = RetryPolicy(rules={"no_answer": RetryRule(max_retries=2, delay_minutes=600)})
    rows = [
        PendingRetry(1, "no_answer", 1, NOW),  # 19:00 Paris today
        PendingRetry(2, "no_answer", 2, NOW),  # retry 2: 600 min too, still today
        PendingRetry(3, "no_answer", 1, NOW + timedelta(hours=8)),  # 03:00 tomorrow
        PendingRetry(4, "no_answer", 3, NOW),  # past the maximum: finished
        PendingRetry(5, "busy", 1, NOW),  # no rule for busy here: finished
    ]
    found = effect(rows, policy, NOW)
    assert (found.today, found.tomorrow, found.later, found.finished) == (2, 1, 0, 2)
    assert found.text_fr().startswith("1 contact reviendra demain, 2 contacts encore aujourd'hui")


def _waiting(engine: Engine, campaign_id: int, count: int) -> list[int]:
    contacts = add_people(engine, campaign_id, [f"+336123400{n:02d}" for n in range(count)])
    with session_scope(engine) as session:
        for contact_id in contacts:
            contact = session.get(CampaignContact, contact_id)
            assert contact is not None
            contact.last_result = "no_answer"
            contact.last_attempt_at = NOW
            contact.retry_counts = {"no_answer": 1}
            contact.next_attempt_at = NOW + timedelta(hours=2)
            contact.attempts = 1
    return contacts


def test_saving_keeps_every_version_and_moves_the_waiting_retries(engine: Engine) -> None:
    campaign_id = make_campaign(engine)
    contacts = _waiting(engine, campaign_id, 3)
    next_day = parse_rules(_raw(no_answer=RawRule("1440", "1", "4", False)))
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        before = preview_effect(
            session, campaign_id, RetryPolicy.model_validate(campaign.retry_policy), NOW
        )
        announced = preview_effect(session, campaign_id, next_day, NOW)
        assert (before.today, before.tomorrow) == (3, 0)
        assert (announced.today, announced.tomorrow) == (0, 3)
        save_rules(session, campaign, next_day, "gestion", NOW)
    with Session(engine) as session:
        versions = list_versions(session, campaign_id)
        assert [(v.version, v.author) for v in versions] == [(2, "gestion"), (1, "réglage initial")]
        assert versions[1].rules["rules"]["no_answer"]["delay_minutes"] == 120
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert campaign.retry_policy["rules"]["no_answer"]["delay_minutes"] == 1440
        moved = [session.get(CampaignContact, c) for c in contacts]
        assert {c.next_attempt_at for c in moved if c} == {NOW + timedelta(days=1)}
    final = parse_rules(_raw(no_answer=RawRule("", "", "", True)))
    with session_scope(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        save_rules(session, campaign, final, "gestion", NOW)
    with Session(engine) as session:
        assert len(list_versions(session, campaign_id)) == 3
        done = [session.get(CampaignContact, c) for c in contacts]
        assert {(c.status, c.done_reason) for c in done if c} == {("done", "retries_exhausted")}
