"""The screen pop on PostgreSQL, as production runs it (a web process apart from the dialer).

The prepared panel's checks and its trail entry go through a connection kept open for the
pops (``web.state.WebState.pop_connections``), pipelined: this module runs the desk's pop
tests again on PostgreSQL, and adds what only that path can get wrong.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import Session

from bench.schemas import own_schema
from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.trail import record_access
from dialer.core.settings import Settings
from dialer.engine.calling.events import DIALLING, SCREEN_POP, call_payload
from dialer.operations.prestart import prestart
from tests.conftest import PG_URL
from tests.web.desk.conftest import Desk
from tests.web.desk.test_panel import (  # noqa: F401 - collected again, on PostgreSQL
    pushed,
    statements_during,
    stream_frames,
    test_a_pop_prepared_while_dialling_ends_the_stream_once_the_session_is_over,
    test_a_pop_prepared_while_dialling_is_refused_once_the_agent_is_disabled,
    test_a_pop_that_is_not_the_agents_carries_no_panel_and_reads_nothing,
    test_dialling_for_another_agent_prepares_nothing,
    test_the_pop_carries_its_panel_rendered_and_traced_as_the_get_would,
    trail,
)
from web.desk.router import StreamFrames

pytestmark = pytest.mark.postgres


@pytest.fixture()
def settings(tmp_path: Path) -> Iterator[Settings]:
    """A prestarted install on a schema of its own (overrides the SQLite one)."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALER_TEST_DATABASE_URL")
    with own_schema(PG_URL, "pop") as url:
        installed = Settings(
            database_url=url,
            data_key_file=tmp_path / "keys.json",
            embedded_pbx=False,
            demo_data=False,
        )
        prestart(installed)
        yield installed


def rang(app: FastAPI, desk: Desk) -> StreamFrames:
    """agent1's stream once the call's phone rang (its panel prepared)."""
    frames = stream_frames(app, "agent1")
    frames.frame(call_payload(DIALLING, desk.attempt_id, 0, desk.ameli_id))
    return frames


def round_trips(trace: str) -> int:
    """How many times the client waited for the server, from a libpq trace: each run of
    messages the client sent followed by the server's answers."""
    directions = [line.split("\t", 1)[0] for line in trace.splitlines() if line]
    return sum(
        1
        for sent, answered in zip(directions, directions[1:], strict=False)
        if (sent, answered) == ("F", "B")
    )


def test_a_prepared_pop_is_checked_and_traced_in_two_round_trips(app: FastAPI, desk: Desk) -> None:
    """Through the pool the same pop took seven: a ping, BEGIN, the check, the lock, the
    previous link, the INSERT and the COMMIT, each one more wait on a busy floor."""
    frames = rang(app, desk)
    kept = app.state.web.pop_connections
    with tempfile.TemporaryFile(mode="w+") as log:
        with kept.connection() as conn:
            conn.pgconn.trace(log.fileno())
            conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        pop = call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id)
        frame, statements = statements_during(app, lambda: frames.frame(pop))
        with kept.connection() as same:
            assert same is conn  # the pop took the traced connection, and gave it back
            same.pgconn.untrace()
        log.seek(0)
        trace = log.read()
    assert "Josiane" in str(pushed(frame)["html"])
    assert statements == []  # nothing through the pool
    assert "LOCK TABLE accessentry" in trace and '"COMMIT"' in trace
    assert round_trips(trace) == 2, trace
    [entry] = trail(app, "screen_pop")
    assert (entry.person_id, entry.attempt_id) == (desk.person_id, desk.attempt_id)


def test_pops_and_other_reads_keep_one_unbroken_chain(app: FastAPI, desk: Desk) -> None:
    frames = rang(app, desk)
    engine = app.state.runtime.engine
    with Session(engine) as db:
        record_access(db, actor="dpo", actor_role="dpo", action="search", person_id=1, fields=[])
        db.commit()
    frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id))
    with Session(engine) as db:
        record_access(db, actor="dpo", actor_role="dpo", action="search", person_id=1, fields=[])
        db.commit()
        assert verify_chain(db) == []
    assert len(trail(app, "screen_pop")) == 1


def test_a_kept_connection_lost_pops_through_the_pool_once(app: FastAPI, desk: Desk) -> None:
    """A database restart ends the kept connections: the next pop still comes, traced once."""
    frames = rang(app, desk)
    kept = app.state.web.pop_connections
    with kept.connection() as conn:
        pid = conn.info.backend_pid
    with Session(app.state.runtime.engine) as db:
        db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.commit()
    frame = frames.frame(call_payload(SCREEN_POP, desk.attempt_id, 0, desk.ameli_id))
    assert "Josiane" in str(pushed(frame)["html"])
    assert len(trail(app, "screen_pop")) == 1
