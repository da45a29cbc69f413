"""A call respects the local time of the address and of the number called."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialer.campaigns.eligibility import BlockCode, check_contact, explain_contact, next_callable_at
from dialer.contacts.people.phones import normalise_phone
from dialer.contacts.people.residence import resolve_territory
from dialer.contacts.territories import Territory, territory_of_number
from tests.dialer.campaigns.eligibility.builders import DEFAULT_POLICY, make_facts

# Tuesday 10 March 2026 (no holiday anywhere), 09:00 UTC: 10:00 in Paris, 05:00 in
# Martinique and Guadeloupe.
PARIS_MORNING = datetime(2026, 3, 10, 9, 0)
# The same day, 15:00 UTC: 16:00 in Paris, 11:00 in the Antilles.
BOTH_OPEN = datetime(2026, 3, 10, 15, 0)


@pytest.mark.parametrize(
    ("number", "territory"),
    [
        ("+590690123456", Territory.GUADELOUPE),
        ("+590590271234", Territory.GUADELOUPE),
        ("+596696123456", Territory.MARTINIQUE),
        ("+596596301234", Territory.MARTINIQUE),
        ("+262692123456", Territory.REUNION),
        ("+262262123456", Territory.REUNION),
        ("+262639012345", Territory.MAYOTTE),
        ("+262269601234", Territory.MAYOTTE),
        ("+594694201234", Territory.GUYANE),
        ("+594594301234", Territory.GUYANE),
        ("+33612345678", Territory.METRO),
        ("+4930123456", None),
        ("", None),
    ],
)
def test_the_territory_of_a_number(number: str, territory: Territory | None) -> None:
    assert territory_of_number(number) is territory


def test_without_postal_code_the_number_wins_over_the_fund() -> None:
    mobile = normalise_phone("0690 12 34 56")
    assert resolve_territory(None, Territory.METRO, mobile) is Territory.GUADELOUPE
    assert resolve_territory("75011", Territory.METRO, mobile) is Territory.METRO


def test_an_antilles_mobile_of_a_paris_address_waits_for_both_windows() -> None:
    facts = make_facts(Territory.METRO, number_territory=Territory.MARTINIQUE)
    block = check_contact(facts, DEFAULT_POLICY, PARIS_MORNING)
    assert block is not None and block.code == BlockCode.OUTSIDE_WINDOW
    # 10:00 in Martinique is 15:00 in Paris: both windows open at 14:00 UTC.
    assert next_callable_at(facts, DEFAULT_POLICY, PARIS_MORNING) == datetime(2026, 3, 10, 14)
    assert check_contact(facts, DEFAULT_POLICY, BOTH_OPEN) is None
    # Paris closes at 20:00 (19:00 UTC) though Martinique is still at 14:00.
    assert check_contact(facts, DEFAULT_POLICY, datetime(2026, 3, 10, 19, 0)) is not None


def test_a_holiday_of_the_number_territory_blocks() -> None:
    # 22 May 2026, abolition of slavery in Martinique, a plain Friday in Paris.
    friday = datetime(2026, 5, 22, 14, 0)
    assert check_contact(make_facts(Territory.METRO), DEFAULT_POLICY, friday) is None
    facts = make_facts(Territory.METRO, number_territory=Territory.MARTINIQUE)
    block = check_contact(facts, DEFAULT_POLICY, friday)
    assert block is not None and block.code == BlockCode.HOLIDAY
    assert "Martinique" in block.reason_fr


def test_explain_names_both_zones() -> None:
    facts = make_facts(Territory.METRO, number_territory=Territory.MARTINIQUE)
    text = explain_contact(facts, DEFAULT_POLICY, PARIS_MORNING).text_fr
    assert "Europe/Paris" in text and "America/Martinique" in text
    single = explain_contact(make_facts(Territory.METRO), DEFAULT_POLICY, PARIS_MORNING).text_fr
    assert "America/Martinique" not in single


def test_explain_says_when_the_number_tells_nothing() -> None:
    facts = make_facts(Territory.METRO, territory_basis="fund")
    text = explain_contact(facts, DEFAULT_POLICY, PARIS_MORNING).text_fr
    assert "ni l'adresse ni le numéro" in text
