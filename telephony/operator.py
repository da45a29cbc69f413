"""What an operator checks by hand against a PBX: who it is, and one test call."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from telephony.ami.client import AmiClient, OriginateRequest
from telephony.ami.connection import ConnectionSettings
from telephony.ami.errors import AmiActionError
from telephony.ami.frames import DialTemplate
from telephony.ami.updates import CallUpdate
from telephony.results import CallState

# A test call that is answered may talk for this long before we stop waiting.
TALK_ALLOWANCE_S = 60.0


@dataclass(frozen=True)
class PbxReport:
    version: str
    channels: int
    round_trip_ms: float


class _FinalResult:
    """Observer that keeps the final update of one call."""

    def __init__(self) -> None:
        self.final: asyncio.Future[CallUpdate] = asyncio.get_running_loop().create_future()
        self.updates: list[CallUpdate] = []

    async def on_call_update(self, update: CallUpdate) -> None:
        self.updates.append(update)
        if update.state == CallState.ENDED and not self.final.done():
            self.final.set_result(update)


async def check_pbx(settings: ConnectionSettings) -> PbxReport:
    """Log in, read the version (CoreSettings) and count the live channels."""
    client = AmiClient(settings, _FinalResult())
    await client.start(timeout_s=settings.connect_timeout_s)
    try:
        started = time.perf_counter()
        await client.ping()
        round_trip = (time.perf_counter() - started) * 1000
        version = await _version(client)
        channels = len(await client.core_show_channels())
    finally:
        await client.close()
    return PbxReport(version=version, channels=channels, round_trip_ms=round_trip)


async def _version(client: AmiClient) -> str:
    # The dialer's AMI user has no "command" right, so CoreSettings is the way in.
    with contextlib.suppress(AmiActionError):
        reply = await client.connection.send({"Action": "CoreSettings"})
        if reply.get("Response") == "Success":
            return str(reply.get("AsteriskVersion", "?"))
    return "inconnue"


async def place_test_call(
    settings: ConnectionSettings,
    number_e164: str,
    dial: DialTemplate,
    caller_id: str,
    ring_timeout_s: int = 30,
    agent: str = "",
) -> CallUpdate:
    """Place one call through the configured template and wait for how it ended.

    The phone rings ``ring_timeout_s`` at most; the wait allows a minute of talk on top.
    """
    observer = _FinalResult()
    client = AmiClient(settings, observer)
    await client.start(timeout_s=settings.connect_timeout_s)
    try:
        attempt = f"test{int(time.time())}"
        request = OriginateRequest(
            attempt_id=attempt,
            number=number_e164,
            dial=dial,
            caller_id=caller_id,
            agent=agent,
            timeout_ms=ring_timeout_s * 1000,
        )
        await client.originate(request)
        return await asyncio.wait_for(observer.final, ring_timeout_s + TALK_ALLOWANCE_S)
    finally:
        await client.close()
