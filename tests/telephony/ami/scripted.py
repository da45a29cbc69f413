"""A tiny scripted AMI server for the connection tests.

It answers login, Ping, Originate and CoreShowChannels the way the recorded
Asterisk does (see 01/02/03/04 transcripts) and can misbehave on demand:
swallow an action (lost response) or close the socket when one arrives.
Calls themselves are the PBX simulator's job.
"""

from __future__ import annotations

import asyncio
import hashlib

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def frame(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def parse(block: bytes) -> list[tuple[str, str]]:
    pairs = []
    for line in block.decode().split("\r\n"):
        name, _, value = line.partition(": ")
        pairs.append((name, value))
    return pairs


class ScriptedAmi:
    def __init__(self, secret: str = "dialer-secret", challenge: str = "201460134") -> None:
        self.secret = secret
        self.challenge = challenge
        self.received: list[list[tuple[str, str]]] = []
        self.raw = bytearray()
        self.connections = 0
        self.swallow: set[str] = set()
        self.close_on: set[str] = set()
        self.live_uniqueids: list[str] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    def emit(self, *lines: str) -> None:
        """Send one event to every connected client."""
        for writer in self._writers:
            writer.write(frame(*lines))

    def actions(self, name: str) -> list[dict[str, str]]:
        return [dict(m) for m in self.received if dict(m).get("Action") == name]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        writer.write(BANNER)
        try:
            while True:
                block = await reader.readuntil(b"\r\n\r\n")
                self.raw += block
                message = parse(block[:-4])
                self.received.append(message)
                if not self._answer(dict(message), writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    def _answer(self, m: dict[str, str], writer: asyncio.StreamWriter) -> bool:
        action, aid = m.get("Action", ""), m.get("ActionID", "")
        if action in self.close_on:
            return False
        if action in self.swallow:
            return True
        if action == "Login":
            return self._login(m, aid, writer)
        writer.write(self._reply(action, aid))
        return True

    def _login(self, m: dict[str, str], aid: str, writer: asyncio.StreamWriter) -> bool:
        expected = hashlib.md5((self.challenge + self.secret).encode()).hexdigest()
        ok = m.get("Key") == expected if "Key" in m else m.get("Secret") == self.secret
        if ok:
            writer.write(
                frame("Response: Success", f"ActionID: {aid}", "Message: Authentication accepted")
            )
            return True
        writer.write(frame("Response: Error", f"ActionID: {aid}", "Message: Authentication failed"))
        return False

    def _reply(self, action: str, aid: str) -> bytes:
        if action == "Challenge":
            return frame("Response: Success", f"ActionID: {aid}", f"Challenge: {self.challenge}")
        if action == "Ping":
            return frame("Response: Success", f"ActionID: {aid}", "Ping: Pong", "Timestamp: 1.0")
        if action == "Originate":
            return frame(
                "Response: Success", f"ActionID: {aid}", "Message: Originate successfully queued"
            )
        if action == "CoreShowChannels":
            items = b"".join(
                frame(
                    "Event: CoreShowChannel", f"ActionID: {aid}", f"Uniqueid: {u}", f"Linkedid: {u}"
                )
                for u in self.live_uniqueids
            )
            start = frame(
                "Response: Success",
                f"ActionID: {aid}",
                "EventList: start",
                "Message: Channels will follow",
            )
            end = frame(
                "Event: CoreShowChannelsComplete",
                f"ActionID: {aid}",
                "EventList: Complete",
                f"ListItems: {len(self.live_uniqueids)}",
            )
            return start + items + end
        return frame("Response: Success", f"ActionID: {aid}", "Message: ok")
