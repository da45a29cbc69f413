"""The PBX simulator: an asyncio TCP server speaking AMI like Asterisk 22."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telephony.sim.actions import dispatch
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.config import (
    SCRIPTED_ENDPOINTS,
    DialRecord,
    Faults,
    LoginKind,
    SimulatorConfig,
)
from telephony.sim.core import LiveCall, PbxCore
from telephony.sim.flow import run_call
from telephony.sim.population import Behaviour, Outcome, national_form
from telephony.sim.request import originate_request
from telephony.sim.session import Connection

BANNER = "Asterisk Call Manager/11.0.0\r\n"
END = b"\r\n\r\n"
log = logging.getLogger(__name__)


class PbxSimulator:
    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.faults = Faults()
        self.faults.drop_hook = self._drop_connections
        self.core = PbxCore(self.config, self._broadcast, self.faults)
        self.connections: set[Connection] = set()
        self.port = 0
        self.host = "127.0.0.1"
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # one per call
        self._readers: set[asyncio.Task[None]] = set()  # one per connection
        self._started: dict[str, float] = {}
        # How each accepted login authenticated, in order: tests check the dialer's choice.
        self.logins: list[LoginKind] = []
        # Every action received, in order, as its headers: a test can prove that a
        # refused request never reached the PBX.
        self.actions: list[dict[str, str]] = []

    @property
    def dial_log(self) -> list[DialRecord]:
        return self.core.dial_log

    def active_channels(self) -> list[str]:
        """ChannelIds of the calls still alive."""
        return [cid for cid, call in self.core.calls.items() if not call.finished]

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, host, port)
        self.host = host
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self._close_server()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, *self._readers, return_exceptions=True)

    async def restart(self) -> None:
        """Close every connection and call, then listen again on the same port."""
        await self.stop()
        await self.start(self.host, self.port)

    async def _close_server(self) -> None:
        self._drop_connections()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    def _drop_connections(self) -> None:
        for conn in list(self.connections):
            conn.close()

    def _broadcast(self, text: str) -> None:
        data = text.encode()
        for conn in list(self.connections):
            if conn.logged_in and conn.events_on and not conn.writer.is_closing():
                conn.writer.write(data)
                # Never block a call on a slow reader; like Asterisk, drop a client that
                # lets its backlog grow without bound.
                backlog = conn.writer.transport.get_write_buffer_size()
                if backlog > self.config.max_client_backlog:
                    log.warning("AMI client dropped: %d bytes of events unread", backlog)
                    conn.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Connection(self, writer)
        self.connections.add(conn)
        reader_task = asyncio.current_task()
        if reader_task is not None:
            self._readers.add(reader_task)
        conn.send(BANNER)
        try:
            while conn in self.connections:
                raw = await reader.readuntil(END)
                if self.faults.response_delay_s > 0:
                    await asyncio.sleep(self.faults.response_delay_s)
                headers = _headers(raw)
                self.actions.append({k.lower(): v for k, v in headers})
                await dispatch(conn, headers)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            conn.close()
            if reader_task is not None:
                self._readers.discard(reader_task)

    def originate(self, headers: list[tuple[str, str]], action_id: str) -> None:
        req = originate_request(headers, action_id, self.core.next_uniqueid())
        number = req.target[0]
        record = DialRecord(
            at=self.core.now(),
            action_id=action_id,
            channel_id=req.channel_id,
            dial_string=req.dial_string,
            number=number,
            variables=dict(req.variables),
            ring_timeout_ms=req.timeout_ms,
        )
        self.core.log_dial(record)
        call = Call(self.core, req, self._behaviour(number, req.target[1]), record)
        self.core.calls[req.channel_id] = call
        self._started[req.channel_id] = asyncio.get_running_loop().time()
        task = asyncio.create_task(run_call(call))
        self._tasks.add(task)
        task.add_done_callback(self._call_done)

    def _call_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)

    def _behaviour(self, number: str, where: str) -> Behaviour:
        national = national_form(number)
        nth = self.core.calls_per_number[national]
        self.core.calls_per_number[national] += 1
        scripted = SCRIPTED_ENDPOINTS.get(where)
        if scripted is not None:
            return Behaviour(Outcome(scripted), talk_s=20.0, description=scripted)
        return self.config.population.behaviour(self.config.seed, number, nth)

    def call_of(self, ch: Channel) -> LiveCall | None:
        return self.core.calls.get(ch.linkedid)

    def channel_age_and_bridge(self, ch: Channel) -> tuple[int, str]:
        call = self.call_of(ch)
        if call is None:
            return 0, ""
        started = self._started.get(ch.linkedid, 0.0)
        elapsed = asyncio.get_running_loop().time() - started
        seconds = int(elapsed / (self.config.time_factor or 1.0))
        in_bridge = ch is call.person or ch is call.agent1
        return seconds, call.bridge_id if in_bridge else ""


def _headers(raw: bytes) -> list[tuple[str, str]]:
    pairs = []
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        pairs.append((name.strip(), value.strip()))
    return pairs


async def serve_forever(host: str, port: int, config: SimulatorConfig) -> None:
    """Run a simulator until cancelled (``dialer sim-pbx``)."""
    sim = PbxSimulator(config)
    await sim.start(host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()
