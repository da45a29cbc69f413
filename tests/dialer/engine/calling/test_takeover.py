"""Taking over a dead worker: every worker sweeps, so sweeps run at once and must agree.

A worker that claimed contacts, held agents and showed a preview, then went silent
(its heartbeat older than the dead bound), is taken over by two sweeps started at
the same moment from two threads, as two workers would: each call is closed once,
each person rescheduled once, each agent freed, and a worker still beating is left
alone.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection import claim_contacts
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.engine.calling import liveness, presence
from dialer.engine.calling.desk_events import Notice
from dialer.engine.calling.events import CALL_ENDED, PREVIEW_EXPIRED
from dialer.engine.calling.preview import PREVIEW
from dialer.engine.calling.recorder import CallRecorder
from dialer.engine.calling.takeover import take_over_dead
from dialer.engine.models import WorkerHeartbeat
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    make_campaign,
    rows,
)

DEAD_AFTER_S = 45.0


def _hold(engine: Engine, campaign_id: int, worker_id: str, agent: int, now: datetime) -> int:
    """A call (or a preview) of ``worker_id`` with ``agent`` held for it; its attempt id."""
    [claim] = claim_contacts(engine, campaign_id, worker_id, 1, now)
    with session_scope(engine) as session:
        assert presence.reserve_agent(session, campaign_id, now, worker_id) == agent
        presence.assign_call(session, agent, claim.attempt_id)
        attempt = session.get(CallAttempt, claim.attempt_id)
        assert attempt is not None
        attempt.agent_user_id = agent
        session.add(attempt)
    return claim.attempt_id


def _set(engine: Engine, attempt_id: int, **values: object) -> None:
    with session_scope(engine) as session:
        attempt = session.get(CallAttempt, attempt_id)
        assert attempt is not None
        for name, value in values.items():
            setattr(attempt, name, value)
        session.add(attempt)


def test_two_sweeps_at_once_take_over_a_dead_worker_once_and_leave_the_living_alone(
    engine: Engine, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    add_people(engine, campaign_id, [f"+3361234{n:04d}" for n in range(4)])
    agents = add_agents(engine, campaign_id, 4, clock.now)
    ringing = _hold(engine, campaign_id, "dead", agents[0], clock.now)
    _set(engine, ringing, state="ringing")
    talking = _hold(engine, campaign_id, "dead", agents[1], clock.now)
    with session_scope(engine) as session:
        assert presence.connect_agent(session, agents[1], talking, clock.now)
    _set(engine, talking, state="connected", connected_at=clock.now)
    previewed = _hold(engine, campaign_id, "dead", agents[2], clock.now)
    _set(engine, previewed, state=PREVIEW)
    alive = _hold(engine, campaign_id, "alive", agents[3], clock.now)
    wall = utcnow()
    liveness.beat(engine, "dead", wall - timedelta(seconds=DEAD_AFTER_S + 1), starting=True)
    liveness.beat(engine, "alive", wall, starting=True)

    results: Counter[str] = Counter()
    notices: list[Notice] = []
    barrier = threading.Barrier(2)

    def sweep(me: str) -> None:
        recorder = CallRecorder(
            engine, clock, on_result=lambda _campaign, result: results.update([result])
        )
        barrier.wait()
        notices.extend(take_over_dead(engine, recorder, me, wall, DEAD_AFTER_S, clock.now))

    threads = [threading.Thread(target=sweep, args=(me,)) for me in ("sweeper-1", "sweeper-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == Counter({"ended_while_disconnected": 2}), "each call closed once"
    told = sorted((agent, event.kind, event.attempt_id) for agent, event in notices)
    assert told == sorted(
        [
            (agents[0], CALL_ENDED, ringing),
            (agents[1], CALL_ENDED, talking),
            (agents[2], PREVIEW_EXPIRED, previewed),
        ]
    )
    attempts = {a.id: a for a in rows(engine, CallAttempt)}
    assert previewed not in attempts, "a preview placed no call: given back uncounted"
    assert attempts[alive].result is None, "the living worker's call is left alone"
    contacts = {c.id: c for c in rows(engine, CampaignContact)}
    unanswered = contacts[attempts[ringing].contact_id]
    assert (unanswered.status, unanswered.retry_counts) == (
        "pending",
        {"ended_while_disconnected": 1},
    )
    # The person who talked waits for the agent's outcome, which the desk now asks for.
    assert contacts[attempts[talking].contact_id].status == "in_progress"
    states = {p.user_id: p.state for p in rows(engine, AgentPresence)}
    assert [states[a] for a in agents] == ["available", "on_call", "available", "reserved"]
    assert [h.worker_id for h in rows(engine, WorkerHeartbeat)] == ["alive"]
