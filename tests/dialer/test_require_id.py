"""``require_id``: a stored row's id, and a loud fault for a row never stored."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.setup import create_fund
from dialer.contacts.funds import Fund
from dialer.contacts.territories import Territory
from dialer.core.columns import RowNotStored, require_id


def test_a_stored_row_gives_its_id(engine: Engine) -> None:
    with Session(engine) as db:
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        db.flush()
        assert require_id(fund) == fund.id and fund.id is not None


def test_a_row_never_stored_is_a_fault_not_row_zero() -> None:
    with pytest.raises(RowNotStored, match="Fund"):
        require_id(Fund(code="X", name="X", territory=Territory.METRO))
