"""The contact-authorisation ledger: append-only, one row per decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, DateTime, Index, event
from sqlmodel import Field, SQLModel

from consent.errors import ConsentError
from consent.vocabulary import Channel, Decision, Source


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _one_of(column: str, values: type[Channel] | type[Decision] | type[Source]) -> str:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({allowed})"


class ConsentEntry(SQLModel, table=True):
    __table_args__ = (
        # Finds the latest decision of one person on one channel with a single index probe;
        # ``at`` precedes ``id`` because the latest decision is the latest in time.
        Index("ix_consent_latest", "person_id", "channel", "at", "id"),
        # Lets the opted-out set start from the (few) opt-out rows instead of the whole ledger.
        Index("ix_consent_decision", "channel", "decision", "person_id"),
        CheckConstraint(_one_of("channel", Channel), name="ck_consent_channel"),
        CheckConstraint(_one_of("decision", Decision), name="ck_consent_decision"),
        CheckConstraint(_one_of("source", Source), name="ck_consent_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(index=True)
    channel: str = Field(max_length=16)  # call, sms, email, post
    decision: str = Field(max_length=8)  # opt_in, opt_out
    source: str = Field(max_length=32)  # call_outcome, fund_file, rights_request, manager
    author: str = Field(max_length=100)
    reference: str | None = Field(default=None, max_length=100)
    # Naive UTC like every stored datetime: SQLModel would otherwise pick a timezone-aware
    # type that rejects naive values.
    at: NaiveDatetime = Field(default_factory=_utcnow, index=True, sa_type=DateTime())


@event.listens_for(ConsentEntry, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: ConsentEntry) -> None:
    # The ledger is evidence of what a person decided and when: it is never rewritten.
    raise ConsentError(f"Une décision enregistrée ne se modifie pas (entrée {target.id}).")
