"""Agent presence in the database, driven by the pure state machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import AgentPresence, User
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.calling.presence import PresenceError
from tests.dialer.engine.calling.conftest import FakeClock, add_agents, make_campaign, rows


def test_an_agent_without_a_phone_cannot_become_available(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    (agent,) = add_agents(engine, campaign_id, 1, clock.now)
    with session_scope(engine) as session:
        presence.pause(session, agent, "Pause", clock.now)
        user = session.get(User, agent)
        assert user is not None
        user.phone_endpoint = None
        with pytest.raises(PresenceError, match="Aucun poste téléphonique"):
            presence.make_available(session, agent, clock.now)


def test_log_in_needs_the_campaign_enablement(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    with session_scope(engine) as session:
        user = User(
            username="solo", full_name="Solo", role="agent", phone_endpoint="902", password_hash="-"
        )
        session.add(user)
        session.flush()
        with pytest.raises(PresenceError, match="pas habilité"):
            presence.log_in(session, user.id or 0, campaign_id, clock.now)


def test_reserve_takes_the_longest_available_once(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    first, second = add_agents(engine, campaign_id, 2, clock.now)
    with session_scope(engine) as session:
        # The first agent paused and came back: the second has waited longer now.
        presence.pause(session, first, "Pause", clock.now + timedelta(seconds=1))
        presence.make_available(session, first, clock.now + timedelta(seconds=2))
    later = clock.now + timedelta(seconds=3)
    with session_scope(engine) as session:
        assert presence.reserve_agent(session, campaign_id, later) == second
        assert presence.reserve_agent(session, campaign_id, later) == first
        assert presence.reserve_agent(session, campaign_id, later) is None
    states = {p.user_id: p.state for p in rows(engine, AgentPresence)}
    assert states == {first: "reserved", second: "reserved"}
    with session_scope(engine) as session:
        assert presence.release_agent(session, first, later)
        assert not presence.release_agent(session, first, later)  # already available


def test_illegal_moves_are_refused_in_french(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    with session_scope(engine) as session:
        with pytest.raises(PresenceError, match="motif"):
            presence.pause(session, agent, "  ", clock.now)
        presence.pause(session, agent, "Formation", clock.now)
        with pytest.raises(PresenceError, match="Déconnectez-vous"):
            presence.log_in(session, agent, campaign_id, clock.now)
        presence.log_out(session, agent, clock.now)
    [row] = rows(engine, AgentPresence)
    assert (row.state, row.campaign_id, row.pause_reason) == ("logged_out", None, None)


def test_a_desk_click_on_a_stale_state_does_not_free_a_held_agent(
    engine: Engine, clock: FakeClock
) -> None:
    campaign_id = make_campaign(engine)
    (agent,) = add_agents(engine, campaign_id, 1, clock.now)
    with session_scope(engine) as session:
        presence.pause(session, agent, "Pause", clock.now)
    with Session(engine) as desk:
        seen = desk.get(AgentPresence, agent)
        assert seen is not None and seen.state == "paused"  # what the desk read...
        with session_scope(engine) as other:  # ...before a worker held the agent for a call
            presence.make_available(other, agent, clock.now)
            assert presence.reserve_agent(other, campaign_id, clock.now) == agent
        with pytest.raises(PresenceError, match="vient de changer"):
            presence.make_available(desk, agent, clock.now + timedelta(seconds=1))
        desk.commit()
    assert [p.state for p in rows(engine, AgentPresence)] == ["reserved"]
