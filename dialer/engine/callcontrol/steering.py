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

    async def hold(self, line: Line) -> None:
        person = line.channel
        agent = await self._agent(person)
        await self._send(lambda: hold_headers(person, agent))
        self._apart[person] = agent

    async def resume(self, line: Line) -> None:
        person = line.channel
        agent = self._apart.get(person)
        if agent is None:
            raise CallControlRefused(Refusal.NOT_LIVE, NOT_HELD_FR)
        await self._send(lambda: resume_headers(person, agent))
        del self._apart[person]

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
        # Right after a resume Asterisk is still building the new bridge (seen on a real
        # PBX: no BridgeId for a few hundred ms): look again before calling it gone.
        for attempt in range(PEER_LOOKS):
            try:
                channels = await self._client().core_show_channels()
            except AmiError:
                raise CallControlRefused(Refusal.PBX_FAILED, PBX_REFUSED_FR) from None
            agent = bridge_peer(channels, person)
            if agent is not None:
                return agent
            if attempt + 1 < PEER_LOOKS:
                await asyncio.sleep(PEER_PAUSE_S)
        raise not_live()

    async def _send(self, build: Callable[[], Mapping[str, HeaderValue]]) -> None:
        """Build the action (its values checked) and send it; refusals in French."""
        try:
            headers = build()
        except UnsafeAmiValue:
            raise CallControlRefused(Refusal.FAILED, UNSAFE_FR) from None
        try:
            await self._client().control(headers)
        except AmiError as error:
            log.warning("call control %s refused by the PBX: %s", headers.get("Action"), error)
            raise CallControlRefused(Refusal.PBX_FAILED, PBX_REFUSED_FR) from None
