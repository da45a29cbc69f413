"""Dialer -> real Asterisk -> pyVoIP phones, end to end over SIP on loopback.

Skipped unless DIALER_TEST_AMI_URL and DIALER_TEST_SIP_SERVER are set. The
PBX must carry asterisk/pjsip.conf's test peers: a VirtualPerson registers as
``test-person`` and is dialled as PJSIP/{e164}@test-person; an AgentPhone
registers as 991 and is reached by the dialplan as PJSIP/991.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from telephony.phones import AgentPhone, SipAccount, VirtualPerson, parse_server
from telephony.results import CallResult
from tests.telephony.phones.real_pbx import (
    SIP_LOCAL_IP,
    SIP_SERVER,
    ami,
    call,
    free_udp_port,
    needs_sip,
)

pytestmark = [needs_sip, pytest.mark.slow]

PERSON = "PJSIP/{e164}@test-person"
AGENT_ENDPOINT = "991"
AGENT = f"PJSIP/{AGENT_ENDPOINT}"


def account(user: str, password_env: str, default_password: str, rtp_base: int) -> SipAccount:
    host, port = parse_server(SIP_SERVER)
    return SipAccount(
        server=host,
        port=port,
        username=user,
        password=os.environ.get(password_env, default_password),
        local_ip=SIP_LOCAL_IP,
        local_port=free_udp_port(),
        rtp_low=rtp_base,
        rtp_high=rtp_base + 99,
    )


@pytest.fixture(scope="module")
def person() -> Iterator[VirtualPerson]:
    phone = VirtualPerson(
        account("test-person", "DIALER_TEST_PERSON_PASSWORD", "test-person-secret", 31000)
    )
    phone.start(timeout_s=10)
    yield phone
    phone.stop()


@pytest.fixture(scope="module")
def agent() -> Iterator[AgentPhone]:
    phone = AgentPhone(
        account(AGENT_ENDPOINT, "DIALER_TEST_AGENT_PASSWORD", "test-agent-991", 31200)
    )
    phone.start(timeout_s=10)
    yield phone
    phone.stop()


async def test_person_talks_to_the_agent_then_hangs_up(
    person: VirtualPerson, agent: AgentPhone
) -> None:
    before = agent.call_count
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000005", PERSON, agent=AGENT)
    assert final.result is CallResult.ANSWERED
    assert final.connected_at is not None
    ended = agent.log.wait_for_ended(before + 1, timeout_s=10)
    assert agent.call_count == before + 1
    # The person talks 3 s after a half-second hello; the agent (answering a
    # second after its INVITE, like every pyVoIP phone) was there for most of it.
    assert 1.0 < agent.durations()[-1] < 10.0
    assert ended[-1].caller  # the dialplan presented a caller ID to the agent


async def test_busy_person_gives_cause_17(person: VirtualPerson, agent: AgentPhone) -> None:
    before = agent.call_count
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000002", PERSON, agent=AGENT)
    assert final.result is CallResult.BUSY
    assert (final.cause, final.tech_cause) == ("17", "486")
    assert agent.call_count == before
    assert person.log.records()[-1].outcome == "refused"


async def test_ringing_person_is_no_answer(person: VirtualPerson) -> None:
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000003", PERSON, agent=AGENT, timeout_ms=4000)
    assert final.result is CallResult.NO_ANSWER


async def test_silent_person_without_agent_is_abandoned(person: VirtualPerson) -> None:
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000011", PERSON, abandon_ms=1000)
    assert final.result is CallResult.ABANDONED
    assert any(u.waiting_for_agent for u in seen.of(final.attempt_id))


async def test_answering_machine_is_detected(person: VirtualPerson, agent: AgentPhone) -> None:
    before = agent.call_count
    async with ami() as (client, seen):
        final = await call(
            client, seen, "+33611000010", PERSON, agent=AGENT, context="dialer-connect-amd"
        )
    assert final.result is CallResult.MACHINE
    assert agent.call_count == before


async def test_short_hello_is_taken_for_a_person(person: VirtualPerson, agent: AgentPhone) -> None:
    async with ami() as (client, seen):
        final = await call(
            client, seen, "+33611000005", PERSON, agent=AGENT, context="dialer-connect-amd"
        )
    assert final.amd_status in ("HUMAN", "NOTSURE")
    assert final.result is CallResult.ANSWERED
