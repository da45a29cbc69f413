"""The dial log of a day played against a real Asterisk, taken off the AMI wire.

The independent checker reads the PBX's own log of every call placed (the
simulator writes one). A real Asterisk keeps none we can read, so the day puts
this loopback proxy between its dialer and the PBX's AMI: it writes a ``dial``
line when Asterisk accepts an Originate and an ``end`` line at the Hangup of its
ChannelId (or at a failed OriginateResponse when no channel was ever created), in
the simulator's format. It reads what Asterisk says, never the dialer's records.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

Message = dict[str, list[str]]
Clock = Callable[[], datetime]


def _first(message: Message, name: str) -> str:
    return message.get(name.lower(), [""])[0]


def _number(dial_string: str) -> str:
    _, _, rest = dial_string.partition("/")
    return rest.partition("@")[0]


@dataclass
class DialLogWriter:
    """What Asterisk said about each Originate, as dial-log lines."""

    path: Path
    clock: Clock
    _asked: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)
    _open: dict[str, str] = field(default_factory=dict)  # channel id -> number
    _seen: set[str] = field(default_factory=set)  # channel ids with a channel

    def sent(self, message: Message) -> None:
        if _first(message, "Action").lower() != "originate":
            return
        variables = {}
        for item in message.get("variable", []):
            for pair in item.split(","):
                name, _, value = pair.partition("=")
                variables[name.strip()] = value
        channel = _first(message, "Channel")
        self._asked[_first(message, "ActionID")] = (_first(message, "ChannelId"), channel,
                                                    variables)  # fmt: skip

    def received(self, message: Message) -> None:
        action_id = _first(message, "ActionID")
        event = _first(message, "Event")
        if not event and action_id in self._asked:
            self._accepted(action_id, _first(message, "Response") == "Success")
        elif event == "Newchannel":
            self._seen.add(_first(message, "Uniqueid"))
        elif event == "Hangup" and _first(message, "Uniqueid") in self._open:
            self._end(_first(message, "Uniqueid"), _first(message, "Cause"))
        elif event == "OriginateResponse" and _first(message, "Response") == "Failure":
            channel_id = _first(message, "Uniqueid")
            if channel_id in self._open and channel_id not in self._seen:
                self._end(channel_id, "0")

    def _accepted(self, action_id: str, ok: bool) -> None:
        channel_id, dial_string, variables = self._asked.pop(action_id)
        if not ok:
            return
        number = _number(dial_string)
        self._open[channel_id] = number
        self._write({"kind": "dial", "at": self._now(), "action_id": action_id,
                     "channel_id": channel_id, "dial_string": dial_string, "number": number,
                     "variables": variables})  # fmt: skip

    def _end(self, channel_id: str, cause: str) -> None:
        number = self._open.pop(channel_id)
        self._write({"kind": "end", "at": self._now(), "channel_id": channel_id,
                     "number": number, "result": "ended",
                     "cause": int(cause) if cause.isdigit() else None})  # fmt: skip

    def _now(self) -> str:
        moment = self.clock()
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.isoformat()

    def _write(self, entry: dict[str, object]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    on_message: Callable[[Message], None],
) -> None:
    message: Message = {}
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text:
            name, _, value = text.partition(":")
            message.setdefault(name.strip().lower(), []).append(value.strip())
            continue
        if message:
            on_message(message)
        message = {}
    writer.close()


@dataclass
class PbxTap:
    """A loopback AMI proxy to ``upstream`` that keeps the dial log of what passes."""

    upstream: tuple[str, int]
    log: DialLogWriter
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self.upstream)
        pumps = {
            asyncio.create_task(_pump(client_r, server_w, self.log.sent)),
            asyncio.create_task(_pump(server_r, client_w, self.log.received)),
        }
        self._tasks |= pumps
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for task in pumps:
            task.cancel()
        self._tasks -= pumps
        client_w.close()
        server_w.close()
