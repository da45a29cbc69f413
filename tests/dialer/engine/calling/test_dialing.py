"""A call that could not be sent gives its claim back; a bad number ends its attempt."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection import claim_contacts
from dialer.contacts.people.models import CampaignContact
from dialer.core.db import session_scope
from dialer.engine.calling import presence
from dialer.engine.calling.dialing import CallPlacer, DialConfig, PlacedCall
from dialer.engine.calling.recorder import CallRecorder
from dialer.engine.calling.snapshot import dial_targets
from telephony.ami.client import AmiClient
from telephony.ami.connection import ConnectionSettings
from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.frames import DialTemplate
from tests.dialer.engine.calling.conftest import (
    FakeClock,
    add_agents,
    add_people,
    free_port,
    make_campaign,
    rows,
)


def placer(engine: Engine, clock: FakeClock) -> CallPlacer:
    recorder = CallRecorder(engine, clock)
    # Never started: a real adapter with no connection, as during a PBX outage.
    endpoint = AmiEndpoint("127.0.0.1", free_port(), "dialer", "dialer-secret")
    client = AmiClient(ConnectionSettings(endpoint), recorder)
    config = DialConfig(DialTemplate("Local/{national}@sim-persons"), "worker-test")
    return CallPlacer(engine, client, recorder, config, clock)


async def test_not_connected_gives_the_claim_back(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    [contact_id] = add_people(engine, campaign_id, ["+33612340001"])
    [agent] = add_agents(engine, campaign_id, 1, clock.now)
    [claim] = claim_contacts(engine, campaign_id, "worker-test", 1, clock.now)
    with session_scope(engine) as session:
        assert presence.reserve_agent(session, campaign_id, clock.now) == agent
        presence.assign_call(session, agent, claim.attempt_id)
        [target] = dial_targets(session, clock.now)
    sent = await placer(engine, clock).place(target, PlacedCall(claim, agent))
    assert sent is False
    assert rows(engine, CallAttempt) == []
    [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
    assert (contact.status, contact.attempts, contact.lease_owner) == ("pending", 0, None)
    [state] = rows(engine, AgentPresence)
    assert (state.state, state.attempt_id) == ("available", None)


async def test_uncallable_number_ends_the_attempt(engine: Engine, clock: FakeClock) -> None:
    campaign_id = make_campaign(engine)
    # Stored by an older import before the numbering checks: not in the French plan.
    [contact_id] = add_people(engine, campaign_id, ["+4930123456"])
    [claim] = claim_contacts(engine, campaign_id, "worker-test", 1, clock.now)
    with session_scope(engine) as session:
        [target] = dial_targets(session, clock.now)
    assert await placer(engine, clock).place(target, PlacedCall(claim, None)) is False
    [attempt] = rows(engine, CallAttempt)
    assert (attempt.state, attempt.result) == ("ended", "invalid_number")
    [contact] = rows(engine, CampaignContact, CampaignContact.id == contact_id)
    assert (contact.status, contact.done_reason) == ("done", "invalid_number")


async def test_a_window_closing_before_sending_gives_the_claim_back(engine: Engine) -> None:
    from datetime import datetime, time

    from dialer.campaigns.policies import CallingPolicy, TimeWindow
    from telephony.sim import PbxSimulator, SimulatorConfig

    morning = CallingPolicy(
        windows=[TimeWindow(start=time(10, 0), end=time(13, 0))],
        weekdays=list(range(7)),
        skip_public_holidays=False,
    )
    clock = FakeClock(datetime(2026, 11, 25, 11, 59, 40))  # 12:59:40 in Paris (UTC+1)
    campaign_id = make_campaign(engine, calling=morning)
    add_people(engine, campaign_id, ["+33612340001", "+33612340002"])
    sim = PbxSimulator(SimulatorConfig(time_factor=0.01))
    await sim.start("127.0.0.1", 0)
    recorder = CallRecorder(engine, clock)
    endpoint = AmiEndpoint("127.0.0.1", sim.port, "dialer", "dialer-secret")
    client = AmiClient(ConnectionSettings(endpoint), recorder)
    await client.start()
    config = DialConfig(DialTemplate("Local/{national}@sim-persons"), "worker-test")
    sender = CallPlacer(engine, client, recorder, config, clock)
    try:
        first, second = claim_contacts(engine, campaign_id, "worker-test", 2, clock.now)
        with session_scope(engine) as session:
            [target] = dial_targets(session, clock.now)
        assert await sender.place(target, PlacedCall(first, None)) is True
        clock.advance(seconds=10)  # 12:59:50: within the last 15 s of the window
        assert await sender.place(target, PlacedCall(second, None)) is False
    finally:
        await client.close()
        await sim.stop()
    assert [record.channel_id for record in sim.dial_log] == [f"dialer-{first.attempt_id}"]
    [contact] = rows(engine, CampaignContact, CampaignContact.id == second.contact_id)
    assert (contact.status, contact.attempts) == ("pending", 0)


def test_the_pre_send_check_respects_the_number_local_time(engine: Engine) -> None:
    from datetime import datetime

    from dialer.campaigns.policies import CallingPolicy
    from dialer.campaigns.selection import Claim
    from dialer.engine.calling.dialing import still_in_window

    campaign_id = make_campaign(engine, calling=CallingPolicy())
    with session_scope(engine) as session:
        [target] = dial_targets(session, datetime(2026, 3, 10, 9, 0))

    def claim(number: str) -> PlacedCall:
        return PlacedCall(Claim(1, 1, campaign_id, None, 1, number, "metro", "Europe/Paris"), None)

    paris_morning = datetime(2026, 3, 10, 9, 0)  # 10:00 in Paris, 05:00 in Martinique
    assert still_in_window(target, claim("+33612345678"), paris_morning)
    assert not still_in_window(target, claim("+596696123456"), paris_morning)
    assert still_in_window(target, claim("+596696123456"), datetime(2026, 3, 10, 15, 0))
