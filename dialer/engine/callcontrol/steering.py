"""The PBX side of call control: which AMI actions a desk or supervisor command becomes.

``AmiSteering`` acts through the AMI client of the dialer running in this process
(only the worker that placed a call holds its channel). The agent's channel is found
as the person's bridge peer (CoreShowChannels), and remembered while the call is on
hold or in an attended transfer, when the two are no longer bridged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from dialer.engine.calling.control import (
    CallControlRefused,
    Refusal,
    no_dialer,
    not_live,
)
from telephony.ami import AmiClient, AmiError
from telephony.ami.control import (
    SpyMode,
    UnsafeAmiValue,
    attended_transfer_headers,
    blind_transfer_headers,
    bridge_peer,
    cancel_transfer_headers,
    channel_name,
    complete_transfer_headers,
    hold_headers,
    resume_headers,
    spy_headers,
)
from telephony.ami.frames import HeaderValue

log = logging.getLogger(__name__)
PBX_REFUSED_FR = "Le PBX a refusé cette action sur l'appel : réessayez."
PEER_LOOKS = 4
PEER_PAUSE_S = 0.25
NOT_SETTLED = "Unable to add Channel"
SETTLING_TRIES = 5
SETTLING_PAUSE_S = 0.2
NOT_HELD_FR = "Cet appel n'est pas en attente."
NO_TRANSFER_FR = "Aucun transfert accompagné n'est en cours sur cet appel."
UNSAFE_FR = "Valeur refusée : elle ne peut pas être transmise au PBX."


@dataclass(frozen=True)
class Line:
    """A live call as call control names it: its attempt, the worker holding it, the
    person's channel (the dialer's ChannelId)."""

    attempt_id: int
    worker_id: str
    channel: str


class Steering(Protocol):
    async def hold(self, line: Line) -> None: ...

    async def resume(self, line: Line) -> None: ...

    async def transfer(self, line: Line, target: str, *, attended: bool) -> None: ...

    async def cancel_transfer(self, line: Line) -> None: ...

    async def complete_transfer(self, line: Line) -> None: ...

    async def spy(self, line: Line, phone: str, mode: SpyMode) -> None: ...


class NoSteering:
    """No dialer here nor reachable (SQLite without a dialer in this process)."""

    async def hold(self, line: Line) -> None:
        raise no_dialer()

    async def resume(self, line: Line) -> None:
        raise no_dialer()

    async def transfer(self, line: Line, target: str, *, attended: bool) -> None:
        raise no_dialer()

    async def cancel_transfer(self, line: Line) -> None:
        raise no_dialer()

    async def complete_transfer(self, line: Line) -> None:
        raise no_dialer()

    async def spy(self, line: Line, phone: str, mode: SpyMode) -> None:
        raise no_dialer()


class AmiSteering:
    def __init__(self, client_of: Callable[[], AmiClient | None]) -> None:
        self._client_of = client_of
        self._apart: dict[str, str] = {}  # person's channel -> agent's, while not bridged
        # Person's channel -> its name, while held: Bridge finds channels by prefix, so
        # the resume names both (``check_channel_name``).
        self._held_names: dict[str, str] = {}

    async def hold(self, line: Line) -> None:
        person = line.channel
        agent, name = await self._peer_and_name(person)
        await self._send(lambda: hold_headers(person, agent))
        self._apart[person], self._held_names[person] = agent, name

    async def resume(self, line: Line) -> None:
        person = line.channel
        agent, name = self._apart.get(person), self._held_names.get(person)
        if agent is None or name is None:
            raise CallControlRefused(Refusal.NOT_LIVE, NOT_HELD_FR)
        await self._send(lambda: resume_headers(name, agent), settling=True)
        del self._apart[person], self._held_names[person]

    async def transfer(self, line: Line, target: str, *, attended: bool) -> None:
        person = line.channel
        agent = await self._agent(person)
        build = attended_transfer_headers if attended else blind_transfer_headers
        await self._send(lambda: build(agent, target))
        if attended:
            self._apart[person] = agent

    async def cancel_transfer(self, line: Line) -> None:
        person = line.channel
        agent = self._apart.pop(person, None) or await self._agent(person)
        await self._send(lambda: cancel_transfer_headers(agent))

    async def complete_transfer(self, line: Line) -> None:
        """The agent leaves the consultation: Asterisk hands the person to the destination
        (recording call-control/65). Only the agent's channel kept at the Atxfer is hung up:
        without a transfer under way that would end the person's call (recording 66)."""
        person = line.channel
        agent = self._apart.get(person)
        if agent is None:
            raise CallControlRefused(Refusal.NOT_LIVE, NO_TRANSFER_FR)
        await self._send(lambda: complete_transfer_headers(agent))
        del self._apart[person]

    async def spy(self, line: Line, phone: str, mode: SpyMode) -> None:
        person = line.channel
        agent = self._apart.get(person) or await self._agent(person)
        await self._send(lambda: spy_headers(phone, agent, mode, uuid.uuid4().hex[:16]))

    def _client(self) -> AmiClient:
        client = self._client_of()
        if client is None or not client.connected:
            raise no_dialer()
        return client

    async def _agent(self, person: str) -> str:
        if person in self._apart:
            return self._apart[person]
        agent, _ = await self._peer_and_name(person)
        return agent

    async def _peer_and_name(self, person: str) -> tuple[str, str]:
        """The agent's channel bridged to the person, and the person's channel name."""
        # Right after a resume Asterisk is still building the new bridge (seen on a real
        # PBX: no BridgeId for a few hundred ms): look again before calling it gone.
        for attempt in range(PEER_LOOKS):
            try:
                channels = await self._client().core_show_channels()
            except AmiError:
                raise CallControlRefused(Refusal.PBX_FAILED, PBX_REFUSED_FR) from None
            agent = bridge_peer(channels, person)
            name = channel_name(channels, person)
            if agent is not None and name is not None:
                return agent, name
            if attempt + 1 < PEER_LOOKS:
                await asyncio.sleep(PEER_PAUSE_S)
        raise not_live()

    async def _send(
        self, build: Callable[[], Mapping[str, HeaderValue]], *, settling: bool = False
    ) -> None:
        """Build the action (its values checked) and send it; refusals in French.

        ``settling``: a Bridge right after the call moved (bridged, then redirected to
        hold) may find a channel not yet settled: Asterisk 22 then answers « Unable to
        add Channel1 to bridge » and changes nothing (seen within half a second of the
        bridge). It is sent again a few times before the agent is told.
        """
        try:
            headers = build()
        except UnsafeAmiValue:
            raise CallControlRefused(Refusal.FAILED, UNSAFE_FR) from None
        for attempt in range(SETTLING_TRIES if settling else 1):
            try:
                await self._client().control(headers)
                return
            except AmiError as error:
                action = headers.get("Action")
                if settling and NOT_SETTLED in str(error) and attempt + 1 < SETTLING_TRIES:
                    log.info("call control %s on a channel not yet settled: again", action)
                    await asyncio.sleep(SETTLING_PAUSE_S)
                    continue
                log.warning("call control %s refused by the PBX: %s", action, error)
                raise CallControlRefused(Refusal.PBX_FAILED, PBX_REFUSED_FR) from None
