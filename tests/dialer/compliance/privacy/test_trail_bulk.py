"""A list page's reads: one entry per person, chained exactly as single appends are."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.trail import (
    AccessRead,
    Requester,
    TrailError,
    record_access,
    record_accesses,
)
from dialer.core.db import session_scope

WHO = Requester("gestion", "manager", "127.0.0.1")


def test_bulk_entries_chain_after_single_ones_and_verify(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_access(session, actor="a", actor_role="agent", action="screen_pop",
                      person_id=99, fields=["last_name"])  # fmt: skip
    reads = [AccessRead(person_id=n, fields=("row_ref", "last_name")) for n in range(1, 51)]
    with session_scope(engine) as session:
        written = record_accesses(session, WHO, "search", reads, campaign_id=3, detail="liste")
    assert len(written) == 50
    with session_scope(engine) as session:
        record_access(session, actor="a", actor_role="agent", action="screen_pop",
                      person_id=98, fields=["last_name"])  # fmt: skip
    with Session(engine) as session:
        entries = list(session.exec(select(AccessEntry).order_by(col(AccessEntry.id))))
        assert verify_chain(session) == []
    assert [e.person_id for e in entries] == [99, *range(1, 51), 98]
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    bulk = entries[1]
    assert (bulk.actor, bulk.action, bulk.campaign_id, bulk.fields) == (
        "gestion", "search", 3, ["last_name", "row_ref"],
    )  # fmt: skip


def test_nothing_read_writes_nothing_and_an_actor_is_required(engine: Engine) -> None:
    with Session(engine) as session:
        assert record_accesses(session, WHO, "search", []) == []
        with pytest.raises(TrailError):
            record_accesses(session, Requester(" "), "search", [AccessRead(1, ())])
        with pytest.raises(TrailError):
            record_accesses(session, WHO, "peek", [AccessRead(1, ())])
