"""Anonymous daily counts, kept after personal data is purged."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class DailyStat(SQLModel, table=True):
    day: date = Field(primary_key=True)
    campaign_id: int = Field(primary_key=True)
    fund_id: int
    calls: int = 0
    reached: int = 0
    abandoned: int = 0
    interviews_accepted: int = 0
    interviews_refused: int = 0
    offers_accepted: int = 0
    offers_refused: int = 0
    opted_out: int = 0
    purged_people: int = 0
