"""The AMI adapter against a real Asterisk 22 configured with asterisk/*.conf.

Skipped unless DIALER_TEST_AMI_URL is set. Uses the test dialplan of
asterisk/extensions-test.conf (Local/<national>@sim-persons, virtual agents
800-809), so it needs no SIP phone and no carrier.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from telephony.ami import AmiClient, AmiEndpoint, AmiLoginError, ConnectionSettings
from telephony.results import CallResult, CallState
from tests.telephony.phones.real_pbx import AMI_URL, Collector, ami, call, needs_asterisk, place

pytestmark = [needs_asterisk, pytest.mark.slow]

SIM = "Local/{national}@sim-persons"
VIRTUAL_AGENT = "Local/801@sim-agents"


async def test_login_ping_and_list_channels() -> None:
    async with ami() as (client, _):
        assert client.connected
        assert await client.ping()
        channels = await client.core_show_channels()
        assert all("Channel" in c and "Uniqueid" in c for c in channels)


async def test_wrong_secret_is_refused() -> None:
    endpoint = replace(AmiEndpoint.parse(AMI_URL), secret="not-the-secret")
    client = AmiClient(ConnectionSettings(endpoint), Collector())
    with pytest.raises(AmiLoginError):
        await client.start(timeout_s=10)
    await client.close()


async def test_answered_call_reaches_the_agent() -> None:
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000005", SIM, agent=VIRTUAL_AGENT)
        assert final.result is CallResult.ANSWERED
        assert final.connected_at is not None
        states = [u.state for u in seen.of(final.attempt_id)]
        assert CallState.CONNECTED in states


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33611000002", CallResult.BUSY),
        ("+33611000003", CallResult.NO_ANSWER),
        ("+33611000004", CallResult.CONGESTION),
        ("+33611000007", CallResult.INVALID_NUMBER),
        ("+33611000008", CallResult.CONGESTION),
    ],
)
async def test_unanswered_calls_are_classified(number: str, expected: CallResult) -> None:
    async with ami() as (client, seen):
        final = await call(client, seen, number, SIM, agent=VIRTUAL_AGENT, timeout_ms=4000)
        assert final.result is expected, final


async def test_predictive_call_without_agent_is_abandoned_in_time() -> None:
    async with ami() as (client, seen):
        final = await call(client, seen, "+33611000001", SIM, abandon_ms=500)
        assert final.result is CallResult.ABANDONED
        assert any(u.waiting_for_agent for u in seen.of(final.attempt_id))


async def test_predictive_call_connects_once_the_agent_is_set() -> None:
    async with ami() as (client, seen):
        req = await place(client, "+33611000005", SIM, abandon_ms=5000)
        waiting = await seen.first(req.attempt_id, "waiting", 20)
        await client.setvar(waiting.channel_id, "AGENT", VIRTUAL_AGENT)
        final = await seen.first(req.attempt_id, "final", 60)
        assert final.result is CallResult.ANSWERED
        assert final.connected_at is not None


async def test_amd_hangs_up_on_a_machine() -> None:
    async with ami() as (client, seen):
        final = await call(
            client, seen, "+33611000010", SIM, agent=VIRTUAL_AGENT, context="dialer-connect-amd"
        )
        assert final.result is CallResult.MACHINE
        assert final.amd_cause.startswith(("MAXWORDS", "LONGGREETING"))


@pytest.mark.parametrize("action", ["hangup", "message"])
async def test_amd_machine_action_is_a_machine_either_way(action: str) -> None:
    # "message" waits for the beep then plays dialer/machine-message (asterisk/README.md):
    # still a machine, never reached, only longer.
    async with ami() as (client, seen):
        final = await call(
            client, seen, "+33611000010", SIM, agent=VIRTUAL_AGENT,
            context="dialer-connect-amd", machine_action=action, wait_s=90.0,
        )  # fmt: skip
        assert final.result is CallResult.MACHINE
        assert final.connected_at is None


async def test_amd_sends_a_short_hello_to_the_agent() -> None:
    async with ami() as (client, seen):
        final = await call(
            client, seen, "+33611000009", SIM, agent=VIRTUAL_AGENT, context="dialer-connect-amd"
        )
        # NOTSURE also goes to the agent: what matters is not being hung up.
        assert final.amd_status in ("HUMAN", "NOTSURE")
        assert final.connected_at is not None
