"""Two dialer worker processes, each with its own PBX simulator, on one PostgreSQL database.

They share one campaign's wave (started by whichever scheduler fires first) and
one pool of agents. Nobody answers (busy, congestion, unknown numbers), so every
call ends by itself and no agent owes an outcome. From the two dial logs and the
database: nobody was ever being dialled by two workers at once, every Originate
is a recorded attempt of the worker that sent it, and every attempt has a final
result.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.waves import schedule_wave
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_agents, add_people, make_campaign, rows
from tests.dialer.scale.processes import Dial, read_dials, start_worker, wait_until

CONTACTS = 200
AGENTS = 8
FAIL_FAST = {"busy": 0.6, "congestion": 0.25, "invalid": 0.15, "time_factor": 0.01}


def _every_contact_tried(engine: Engine) -> bool:
    with Session(engine) as session:
        untried = session.exec(
            select(func.count())
            .select_from(CampaignContact)
            .where(col(CampaignContact.last_result).is_(None))
        ).one()
        open_attempts = session.exec(
            select(func.count()).select_from(CallAttempt).where(col(CallAttempt.result).is_(None))
        ).one()
    return untried == 0 and open_attempts == 0


def _assert_never_twice_at_once(dials: list[Dial]) -> None:
    by_number: dict[str, list[Dial]] = defaultdict(list)
    for dial in dials:
        by_number[dial.number].append(dial)
    for number, calls in by_number.items():
        calls.sort(key=lambda d: d.at)
        for before, after in itertools.pairwise(calls):
            assert before.ended_at is not None and before.ended_at <= after.at, (
                f"{number} dialled by {after.worker_id} while {before.worker_id}'s call was live"
            )


def test_two_worker_processes_share_a_wave_without_ever_dialling_one_person_twice(
    engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("scale-out runs against PostgreSQL (set DIALER_TEST_DATABASE_URL)")
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [f"+336{n:08d}" for n in range(10_000, 10_000 + CONTACTS)])
    add_agents(engine, campaign_id, AGENTS, utcnow())
    now = utcnow()
    with session_scope(engine) as session:
        # Both schedulers plan its start job; whichever fires first starts it.
        schedule_wave(
            session, campaign_id, "Vague 1", now + timedelta(seconds=5), now + timedelta(hours=1)
        )
    url = engine.url.render_as_string(hide_password=False)
    workers = [start_worker(url, f"worker-{n}", tmp_path, {**FAIL_FAST, "seed": n}) for n in (1, 2)]
    try:
        wait_until(lambda: _every_contact_tried(engine))
    finally:
        codes = [worker.terminate() for worker in workers]
    assert codes == [0, 0]
    # Both schedulers fired the wave's shared start job: neither may have choked on it.
    assert all("Traceback" not in worker.errors() for worker in workers)
    dials = [d for w in workers for d in read_dials(w.worker_id, w.dial_log)]
    attempts = {a.id: a for a in rows(engine, CallAttempt)}
    assert all(a.result is not None for a in attempts.values())
    assert {d.attempt_id for d in dials} == set(attempts)
    assert len(dials) == len(attempts) == CONTACTS
    assert all(attempts[d.attempt_id].worker_id == d.worker_id for d in dials)
    assert all(d.result is not None for d in dials)
    assert {d.worker_id for d in dials} == {"worker-1", "worker-2"}
    _assert_never_twice_at_once(dials)
