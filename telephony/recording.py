"""Record AMI conversations with a real Asterisk into the transcript format.

A loopback TCP proxy: the dialer (or a test) connects to it instead of Asterisk,
and every line either side sends is written, with the milliseconds since the
connection opened, as ``>>>`` (client) or ``<<<`` (Asterisk). Each connection
becomes one ``.ami`` file that ``telephony.transcripts`` reads back and the
simulator's tests replay:

    python -m telephony.recording --upstream 127.0.0.1:5038 --listen 127.0.0.1:15038 \\
        --out tests/fixtures/ami-transcripts --name 47-local-unknown-context \\
        --title "Local dial string into a context the dialplan lacks"
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from telephony.transcripts import CLOSED_MARK

CRLF = b"\r\n"


@dataclass
class TranscriptWriter:
    """One connection's lines, in the order they crossed the proxy."""

    title: str
    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)

    def add(self, direction: str, line: str) -> None:
        at = int((time.monotonic() - self.started) * 1000)
        self.lines.append(f"{direction} {at} {line}" if line else f"{direction} {at}")

    def closed_by_server(self) -> None:
        at = int((time.monotonic() - self.started) * 1000)
        self.lines.append(f"<<< {at} {CLOSED_MARK}")

    def text(self) -> str:
        return "\n".join([f"# {self.title}", *self.lines]) + "\n"


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: TranscriptWriter, mark: str
) -> None:
    while True:
        line = await reader.readline()
        if not line:
            return
        writer.write(line)
        await writer.drain()
        log.add(mark, line.rstrip(b"\r\n").decode("utf-8", "replace"))


@dataclass
class RecordingProxy:
    upstream: tuple[str, int]
    out: Path
    name: str
    title: str
    recorded: list[Path] = field(default_factory=list)

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        log = TranscriptWriter(self.title)
        server_r, server_w = await asyncio.open_connection(*self.upstream)
        to_server = asyncio.create_task(_pump(client_r, server_w, log, ">>>"))
        to_client = asyncio.create_task(_pump(server_r, client_w, log, "<<<"))
        done, pending = await asyncio.wait(
            {to_server, to_client}, return_when=asyncio.FIRST_COMPLETED
        )
        if to_client in done:
            log.closed_by_server()
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for writer in (server_w, client_w):
            writer.close()
        suffix = f"-{len(self.recorded)}" if self.recorded else ""
        path = self.out / f"{self.name}{suffix}.ami"
        path.write_text(log.text(), encoding="utf-8")
        self.recorded.append(path)


async def serve(proxy: RecordingProxy, host: str, port: int) -> None:
    server = await asyncio.start_server(proxy.handle, host, port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", default="127.0.0.1:5038")
    parser.add_argument("--listen", default="127.0.0.1:15038")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--title", required=True)
    args = parser.parse_args()
    up_host, _, up_port = args.upstream.rpartition(":")
    host, _, port = args.listen.rpartition(":")
    args.out.mkdir(parents=True, exist_ok=True)
    proxy = RecordingProxy((up_host, int(up_port)), args.out, args.name, args.title)
    asyncio.run(serve(proxy, host, int(port)))


if __name__ == "__main__":
    main()
