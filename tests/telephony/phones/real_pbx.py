"""Shared by the tests that need a real Asterisk (skipped without one).

DIALER_TEST_AMI_URL     ami://dialer:SECRET@127.0.0.1:5038 (asterisk/manager.conf)
DIALER_TEST_SIP_SERVER  127.0.0.1:5060, where the pyVoIP phones register
DIALER_TEST_SIP_LOCAL_IP the address the phones put in Contact/SDP (127.0.0.1)
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from telephony.ami import (
    AmiClient,
    AmiEndpoint,
    CallUpdate,
    ConnectionSettings,
    DialTemplate,
    OriginateRequest,
)

AMI_URL = os.environ.get("DIALER_TEST_AMI_URL", "")
SIP_SERVER = os.environ.get("DIALER_TEST_SIP_SERVER", "")
SIP_LOCAL_IP = os.environ.get("DIALER_TEST_SIP_LOCAL_IP", "127.0.0.1")
CALLER_ID = '"Assurance Maladie" <0162000000>'

needs_asterisk = pytest.mark.skipif(
    not AMI_URL, reason="needs a real Asterisk: set DIALER_TEST_AMI_URL"
)
needs_sip = pytest.mark.skipif(
    not (AMI_URL and SIP_SERVER),
    reason="needs a real Asterisk: set DIALER_TEST_AMI_URL and DIALER_TEST_SIP_SERVER",
)

_serial = itertools.count(1)


def attempt_id(prefix: str) -> str:
    """Unique across runs on a shared PBX: ChannelIds must never repeat."""
    return f"{prefix}{int(time.time() * 1000) % 10**10}x{next(_serial)}"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((SIP_LOCAL_IP, 0))
        return int(probe.getsockname()[1])


class Collector:
    """A CallObserver that lets a test await a call's first agent wait or its end."""

    def __init__(self) -> None:
        self.updates: list[CallUpdate] = []
        self._changed = asyncio.Event()

    async def on_call_update(self, update: CallUpdate) -> None:
        self.updates.append(update)
        self._changed.set()

    def of(self, attempt: str) -> list[CallUpdate]:
        return [u for u in self.updates if u.attempt_id == attempt]

    async def first(self, attempt: str, test: str, timeout_s: float) -> CallUpdate:
        async def wait() -> CallUpdate:
            while True:
                for update in self.of(attempt):
                    if test == "final" and update.result is not None:
                        return update
                    if test == "waiting" and update.waiting_for_agent:
                        return update
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), timeout_s)


@asynccontextmanager
async def ami(url: str = AMI_URL) -> AsyncIterator[tuple[AmiClient, Collector]]:
    collector = Collector()
    client = AmiClient(ConnectionSettings(AmiEndpoint.parse(url)), collector)
    await client.start(timeout_s=10)
    try:
        yield client, collector
    finally:
        await client.close()


async def place(
    client: AmiClient,
    number: str,
    template: str,
    *,
    agent: str = "",
    context: str = "dialer-connect",
    timeout_ms: int = 15_000,
    abandon_ms: int = 2_000,
    machine_action: str = "",
) -> OriginateRequest:
    """Originate one call the way the dialer does."""
    req = OriginateRequest(
        attempt_id=attempt_id("rt"),
        number=number,
        dial=DialTemplate(template),
        caller_id=CALLER_ID,
        context=context,
        timeout_ms=timeout_ms,
        agent=agent,
        abandon_ms=abandon_ms,
        machine_action=machine_action,
    )
    await client.originate(req)
    return req


async def call(
    client: AmiClient,
    collector: Collector,
    number: str,
    template: str,
    *,
    wait_s: float = 60.0,
    **options: Any,
) -> CallUpdate:
    """Place one call and return its final update."""
    req = await place(client, number, template, **options)
    return await collector.first(req.attempt_id, "final", wait_s)
