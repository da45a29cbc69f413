from __future__ import annotations

import pytest

from dialer.contacts.people import FieldError, normalise_phone, resolve_territory
from dialer.contacts.territories import Territory

METRO_MOBILE = normalise_phone("0612345678")
REUNION_MOBILE = normalise_phone("0692123456")


def test_postal_code_comes_first() -> None:
    # A metropolitan mobile held by someone living in La Réunion.
    assert resolve_territory("97400", Territory.METRO, METRO_MOBILE) is Territory.REUNION
    assert resolve_territory("20000", Territory.METRO, None) is Territory.CORSICA
    assert resolve_territory("57000", None, None) is Territory.MOSELLE


def test_the_phone_called_before_the_fund_territory() -> None:
    # A metropolitan fund's file: a Réunion mobile is not to be called at Paris hours.
    assert resolve_territory("", Territory.METRO, REUNION_MOBILE) is Territory.REUNION
    assert resolve_territory(None, Territory.REUNION, METRO_MOBILE) is Territory.METRO
    assert resolve_territory(None, None, REUNION_MOBILE) is Territory.REUNION
    assert resolve_territory("98000", None, normalise_phone("0639401234")) is Territory.MAYOTTE


def test_the_fund_territory_only_when_nothing_else_tells() -> None:
    assert resolve_territory(None, Territory.GUADELOUPE, None) is Territory.GUADELOUPE


def test_nothing_known_is_an_error() -> None:
    with pytest.raises(FieldError, match="indéterminable"):
        resolve_territory(None, None, None)
