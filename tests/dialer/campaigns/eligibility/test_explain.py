"""French explanations for one contact and for a whole campaign."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dialer.campaigns.eligibility import Block, check_contact, explain_contact, summarise_campaign
from dialer.campaigns.eligibility.explain import format_fr
from dialer.contacts.territories import Territory

from .builders import DEFAULT_POLICY, OPEN_NOW, make_facts

SATURDAY = datetime(2026, 3, 14, 10, 0)


def test_format_fr() -> None:
    assert format_fr(datetime(2026, 3, 2, 10, 5)) == "lundi 2 mars 2026 à 10 h 05"
    assert format_fr(datetime(2026, 8, 15, 19, 30)) == "samedi 15 août 2026 à 19 h 30"


def test_callable_contact() -> None:
    explanation = explain_contact(make_facts(), DEFAULT_POLICY, OPEN_NOW)
    assert explanation.callable_now
    assert explanation.block is None
    assert explanation.next_callable_at == OPEN_NOW
    assert explanation.text_fr == "Appelable maintenant."


def test_blocked_contact_says_why_and_when_in_local_time() -> None:
    # Saturday 14 March, 14:00 in Réunion; Monday 16 March 10:00 there is 06:00 UTC.
    facts = make_facts(Territory.REUNION)
    explanation = explain_contact(facts, DEFAULT_POLICY, SATURDAY)
    assert not explanation.callable_now
    assert explanation.block is not None
    assert explanation.block.code == "outside_window"
    assert explanation.next_callable_at == datetime(2026, 3, 16, 6, 0)
    assert explanation.next_callable_local == datetime(2026, 3, 16, 10, 0)
    assert "lundi 16 mars 2026 à 10 h 00" in explanation.text_fr
    assert "La Réunion" in explanation.text_fr


def test_blocked_contact_lists_the_other_rules() -> None:
    facts = make_facts(next_attempt_at=SATURDAY + timedelta(hours=1))
    explanation = explain_contact(facts, DEFAULT_POLICY, SATURDAY)
    assert [b.code for b in explanation.blocks] == ["retry_delay", "outside_window"]
    assert "Également : hors des jours et heures d'appel." in explanation.text_fr


def test_never_callable_contact() -> None:
    explanation = explain_contact(make_facts(opted_out=True), DEFAULT_POLICY, OPEN_NOW)
    assert explanation.next_callable_at is None
    assert "refusé les appels sortants" in explanation.text_fr
    assert "Ne sera plus appelé" in explanation.text_fr


def _blocks_for_a_mixed_campaign(now: datetime) -> list[Block | None]:
    people = [
        make_facts(),
        make_facts(),
        make_facts(Territory.REUNION),  # 14:00 in Réunion on 10 March at OPEN_NOW
        make_facts(opted_out=True),
        make_facts(done=True),
        make_facts(expiry=date(2026, 1, 1)),
        make_facts(next_attempt_at=now + timedelta(hours=3)),
        make_facts(Territory.GUADELOUPE),  # 06:00 there
        make_facts(Territory.MARTINIQUE),
    ]
    return [check_contact(facts, DEFAULT_POLICY, now) for facts in people]


def test_campaign_counts_by_first_blocking_rule() -> None:
    summary = summarise_campaign(
        _blocks_for_a_mixed_campaign(OPEN_NOW), agents_available=3, wave_paused=False
    )
    assert summary.total == 9
    assert summary.callable_now == 3
    assert summary.by_code == {
        "opted_out": 1,
        "done": 1,
        "expired": 1,
        "retry_delay": 1,
        "outside_window": 2,
    }
    assert list(summary.by_code) == [
        "opted_out",
        "done",
        "expired",
        "retry_delay",
        "outside_window",
    ]
    assert summary.campaign_blocks == ()
    assert summary.text_fr.startswith("3 contact(s) sur 9 appelable(s) maintenant.")
    assert "- hors des jours et heures d'appel : 2" in summary.text_fr


def test_why_is_nothing_dialling_no_agent() -> None:
    summary = summarise_campaign(
        _blocks_for_a_mixed_campaign(OPEN_NOW), agents_available=0, wave_paused=False
    )
    assert summary.campaign_blocks == ("no_agent_available",)
    assert summary.text_fr.startswith("Rien ne compose : aucun agent n'est disponible.")
    assert "3 contact(s) seraient appelables maintenant." in summary.text_fr


def test_why_is_nothing_dialling_paused_wave() -> None:
    summary = summarise_campaign([None], agents_available=0, wave_paused=True)
    assert summary.campaign_blocks == ("wave_paused", "no_agent_available")
    assert summary.text_fr.startswith("Rien ne compose : la vague est en pause.")


def test_why_is_nothing_dialling_nobody_in_hours() -> None:
    people = [make_facts(), make_facts(Territory.REUNION), make_facts(attempts=8)]
    blocks = [check_contact(facts, DEFAULT_POLICY, SATURDAY) for facts in people]
    summary = summarise_campaign(blocks, agents_available=2, wave_paused=False)
    assert summary.callable_now == 0
    assert summary.by_code == {"attempts_exhausted": 1, "outside_window": 2}
    assert summary.text_fr.startswith(
        "Rien ne compose : aucun des 3 contacts n'est appelable maintenant."
    )
    # Réunion opens first: Monday 10:00 there is 06:00 UTC, 07:00 in Paris.
    assert summary.next_lift_at == datetime(2026, 3, 16, 6, 0)
    assert "lundi 16 mars 2026 à 7 h 00 (heure de Paris)" in summary.text_fr


def test_empty_selection() -> None:
    summary = summarise_campaign([], agents_available=1, wave_paused=False)
    assert summary.total == 0
    assert summary.text_fr.startswith("Rien ne compose : la sélection ne contient aucun contact.")
