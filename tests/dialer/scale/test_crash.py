"""A worker process killed mid-wave with calls in flight, then restarted (same worker id).

At its restart the service closes the attempts its earlier life left open
(``ended_while_disconnected``) and frees their contacts and agents; the retry
rule then brings each person back, never before the retry delay. In the end
every attempt has a final result and nobody was lost.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.policies import RetryPolicy, RetryRule
from dialer.campaigns.waves import schedule_wave, start_wave
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import (
    add_agents,
    add_people,
    agents_busy,
    make_campaign,
    rows,
)
from tests.dialer.scale.processes import read_dials, start_worker, wait_until

PEOPLE = 6
RETRY_AFTER = timedelta(seconds=3)
RETRY = RetryPolicy(
    rules={
        "ended_while_disconnected": RetryRule(max_retries=3, delay_minutes=0.05),
        "no_answer": RetryRule(max_retries=3, delay_minutes=120),
    }
)
# Nobody answers and each call rings 6 s (30 s ring timeout at a time factor of 0.2).
RINGING = {"no_answer": 1.0, "time_factor": 0.2}


def _running_wave(engine: Engine) -> int:
    campaign_id = make_campaign(engine, retry=RETRY)
    add_people(engine, campaign_id, [f"+336200{n:05d}" for n in range(PEOPLE)])
    add_agents(engine, campaign_id, PEOPLE, utcnow())
    now = utcnow()
    with session_scope(engine) as session:
        wave = schedule_wave(session, campaign_id, "Vague", now, now + timedelta(hours=1))
        start_wave(session, wave.id or 0, now)
    return campaign_id


def _contacts(engine: Engine) -> dict[int, CampaignContact]:
    return {c.id or 0: c for c in rows(engine, CampaignContact)}


def test_a_killed_worker_loses_no_call_and_redials_only_after_the_retry_delay(
    engine: Engine, tmp_path: Path
) -> None:
    _running_wave(engine)
    url = engine.url.render_as_string(hide_password=False)
    first = start_worker(url, "worker-1", tmp_path, RINGING)
    wait_until(lambda: len(read_dials("worker-1", first.dial_log)) == PEOPLE)
    first.kill()
    # Killed while every call still rang: nobody ever told the database how they ended.
    assert all(d.ended_at is None for d in read_dials("worker-1", first.dial_log))
    orphans = rows(engine, CallAttempt)
    assert len(orphans) == PEOPLE and all(a.result is None for a in orphans)
    assert {c.lease_owner for c in _contacts(engine).values()} == {"worker-1"}

    second = start_worker(url, "worker-1", tmp_path, RINGING, life=2)
    try:
        closed = {a.id: a for a in rows(engine, CallAttempt)}
        assert {a.result for a in closed.values()} == {"ended_while_disconnected"}
        due = {}
        for contact_id, contact in _contacts(engine).items():
            assert (contact.status, contact.lease_owner) == ("pending", None)
            [orphan] = [a for a in closed.values() if a.contact_id == contact_id]
            assert orphan.ended_at is not None and contact.next_attempt_at is not None
            assert contact.next_attempt_at == orphan.ended_at + RETRY_AFTER
            due[contact_id] = contact.next_attempt_at
        assert agents_busy(engine) == 0
        wait_until(lambda: _all_redialled_and_ended(engine))
    finally:
        assert second.terminate() == 0
    redials = {a.id: a for a in rows(engine, CallAttempt) if a.id not in closed}
    assert len(redials) == PEOPLE and {a.result for a in redials.values()} == {"no_answer"}
    dials = read_dials("worker-1", second.dial_log)
    assert {d.attempt_id for d in dials} == set(redials)
    for dial in dials:
        attempt = redials[dial.attempt_id]
        assert attempt.created_at >= due[attempt.contact_id]
        assert dial.at >= due[attempt.contact_id]


def _all_redialled_and_ended(engine: Engine) -> bool:
    attempts = rows(engine, CallAttempt)
    return len(attempts) == 2 * PEOPLE and all(a.result is not None for a in attempts)
