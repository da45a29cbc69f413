"""A tiny raw AMI client for the simulator's tests: send lines, collect messages."""

from __future__ import annotations

import asyncio
import hashlib

from telephony.transcripts import WireMessage


class RawClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.messages: list[WireMessage] = []
        self.closed = asyncio.Event()
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def _read(self) -> None:
        try:
            banner = await self.reader.readline()
            self._add(WireMessage("<<<", 0, [banner.decode().rstrip("\r\n")]))
            while True:
                raw = await self.reader.readuntil(b"\r\n\r\n")
                text = raw.decode().rstrip("\r\n")
                self._add(WireMessage("<<<", 0, text.split("\r\n")))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed.set()
            self._arrived.set()

    def _add(self, message: WireMessage) -> None:
        self.messages.append(message)
        self._arrived.set()

    def send(self, *lines: str) -> None:
        self.writer.write(("".join(f"{line}\r\n" for line in lines) + "\r\n").encode())

    async def wait_for(self, predicate: object, timeout: float = 5.0) -> WireMessage:
        """The first message (already received or coming) that satisfies ``predicate``."""
        assert callable(predicate)
        seen = 0

        async def scan() -> WireMessage:
            nonlocal seen
            while True:
                for message in self.messages[seen:]:
                    if predicate(message):
                        return message
                seen = len(self.messages)
                if self.closed.is_set():
                    raise ConnectionError("closed before the awaited message")
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(scan(), timeout)

    async def response(self, action_id: str, timeout: float = 5.0) -> WireMessage:
        return await self.wait_for(
            lambda m: m.get("ActionID") == action_id and not m.is_event, timeout
        )

    async def event(self, name: str, timeout: float = 5.0, **values: str) -> WireMessage:
        def match(m: WireMessage) -> bool:
            return m.get("Event") == name and all(m.get(k) == v for k, v in values.items())

        return await self.wait_for(match, timeout)

    async def login(self, username: str = "dialer", secret: str = "dialer-secret") -> WireMessage:
        self.send("Action: Login", "ActionID: login", f"Username: {username}", f"Secret: {secret}")
        return await self.response("login")

    async def close(self) -> None:
        self.writer.close()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def md5_key(challenge: str, secret: str) -> str:
    return hashlib.md5((challenge + secret).encode()).hexdigest()
