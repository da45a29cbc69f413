"""A short campaign day end to end: the real desk over HTTP, the PBX simulator, the checker.

The day's figures depend on timing (which calls fit in the hour), so the tests
assert what must hold whatever the timing: every row of the file is accounted
for, what the agents posted is what the database holds, the fund received its
whole feed, the faults struck, and the independent checker finds no breach.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from dialer.campaigns.attempts import Outcome
from dialer.core.db import make_engine
from proving.day.compare import OutcomeKey, compare, first_outcomes, side_by_side
from proving.day.files import OTHER_FILE_RATIO
from proving.day.options import DayOptions, Fault, FaultPlan, parse_faults
from proving.day.run import DayResult, WorkerKillNeedsPostgres, run_day

PG_URL = os.environ.get("DIALER_TEST_DATABASE_URL", "")
# One simulated hour from 10:00 Paris (the metropolitan window is open) in a few seconds.
SHORT = DayOptions(agents=4, people=60, seed=3, hours=1.0, start_hour=10, time_factor=0.003)
# On PostgreSQL, with every fault and compared with the calm day: two hours, 300 people.
LONGER = replace(SHORT, agents=8, people=300, hours=2.0, time_factor=0.004)
# Every fault strikes several times within the hour.
OFTEN = FaultPlan(ami_drop_every_min=10, worker_kill_every_min=20, receiver_restart_every_min=15)


def _outcome_rows(result: DayResult) -> int:
    engine = make_engine(result.database_url)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(Outcome)).one())
    finally:
        engine.dispose()


def _first_outcomes(result: DayResult) -> dict[int, OutcomeKey]:
    engine = make_engine(result.database_url)
    try:
        return first_outcomes(engine, result.campaign_ids)
    finally:
        engine.dispose()


def _assert_whole_day(result: DayResult, people: int = SHORT.people) -> None:
    summary = result.summary
    assert result.check_error is None
    assert result.breaches == [], result.check_text
    # Three campaigns in two funds, a fifth of the people in two of them.
    assert summary.campaigns == 3
    assert summary.file_rows == people + 2 * round(people * OTHER_FILE_RATIO)
    assert summary.people_in_two_campaigns >= 0.2 * summary.people
    assert summary.phone_only > 0 and summary.two_territories > 0
    # An agent signed out at mid-day: every web process refuses the old cookie.
    assert summary.signed_out_refused == summary.signed_out_tried > 0
    assert summary.imported + summary.rejected_rows == summary.file_rows
    assert summary.opted_out_by_fund > 0
    assert summary.wave_size == summary.imported
    assert summary.people_reached >= len(_first_outcomes(result)) > 0
    assert summary.calls >= summary.people_reached
    # What the agents posted through the desk is exactly what the database holds.
    assert result.tally.refused == 0
    assert result.tally.failures == []
    # An outcome whose answer was lost on the wire may be stored or not; none other may differ.
    tally, stored = result.tally, _outcome_rows(result)
    assert tally.recorded <= stored <= tally.recorded + tally.unanswered
    assert tally.recorded > 0 and tally.unanswered <= 2
    # Every stored outcome says whether the interview was accepted: the summary counts
    # them all, those whose answer was lost on the wire included.
    assert summary.interviews_accepted + summary.interviews_refused == stored
    assert result.feed_received == result.feed_events > 0


def test_short_day_on_sqlite_passes_the_checker(tmp_path: Path) -> None:
    result = asyncio.run(run_day(replace(SHORT, work_dir=tmp_path)))
    _assert_whole_day(result)
    assert result.faults == {}


def test_worker_kill_is_refused_on_sqlite(tmp_path: Path) -> None:
    options = DayOptions(faults=parse_faults("worker-kill"), work_dir=tmp_path)
    with pytest.raises(WorkerKillNeedsPostgres, match="PostgreSQL"):
        asyncio.run(run_day(options))


def test_unknown_fault_is_named_in_french() -> None:
    with pytest.raises(ValueError, match="Panne inconnue : disk-full"):
        parse_faults("ami-drop,disk-full")
    assert parse_faults("all") == frozenset(Fault)


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALER_TEST_DATABASE_URL")
    yield PG_URL


def _drop_schema(database_url: str) -> None:
    schema = database_url.rsplit("%3D", 1)[-1]
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def test_short_day_with_every_fault_on_postgresql_matches_the_calm_day(
    pg_url: str, tmp_path: Path
) -> None:
    calm_options = replace(LONGER, database_url=pg_url, work_dir=tmp_path / "calm")
    options = replace(calm_options, faults=parse_faults("all"), plan=OFTEN,
                      work_dir=tmp_path / "faults")  # fmt: skip
    calm = asyncio.run(run_day(calm_options))
    result = asyncio.run(run_day(options))
    try:
        _assert_whole_day(calm, LONGER.people)
        _assert_whole_day(result, LONGER.people)
        assert set(result.faults) == {fault.value for fault in Fault}
        assert result.faults[Fault.WORKER_KILL.value] >= 1
        assert result.killed_during_a_call == 1  # the second worker died with a call bridged
        comparison = compare(
            calm.summary, result.summary, _first_outcomes(calm), _first_outcomes(result)
        )
        # Same file, same opt-outs, same wave; every person reached in both days said
        # the same; what differs is only who the faults' delays left unreached.
        assert comparison.ok, (comparison, side_by_side(calm.summary, result.summary, comparison))
        assert comparison.reached_in_both > 0
    finally:
        _drop_schema(calm.database_url)
        _drop_schema(result.database_url)
