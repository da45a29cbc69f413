"""Theme expiry, judged on the person's own calendar day."""

from __future__ import annotations

from datetime import date, datetime

from dialer.campaigns.eligibility import check_contact
from dialer.campaigns.eligibility.expiry import check_expiry
from dialer.contacts.territories import Territory

from .builders import DEFAULT_POLICY, make_facts


def test_expiry_day_itself_still_counts() -> None:
    assert check_expiry(None, date(2026, 3, 10)) is None
    assert check_expiry(date(2026, 3, 10), date(2026, 3, 10)) is None
    block = check_expiry(date(2026, 3, 9), date(2026, 3, 10))
    assert block is not None
    assert (block.code, block.until) == ("expired", None)
    assert "09/03/2026" in block.reason_fr


def test_expiry_uses_the_local_date() -> None:
    # 21:00 UTC on 10 March is already 11 March 01:00 in Réunion.
    now = datetime(2026, 3, 10, 21, 0)
    expiry = date(2026, 3, 10)
    reunion = check_contact(make_facts(Territory.REUNION, expiry=expiry), DEFAULT_POLICY, now)
    assert reunion is not None
    assert reunion.code == "expired"
    guyane = check_contact(make_facts(Territory.GUYANE, expiry=expiry), DEFAULT_POLICY, now)
    assert guyane is None  # 18:00 on the 10th in Cayenne
