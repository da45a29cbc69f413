"""Screen pops across processes: the dialer workers' bus events reach the web app.

In production the dialer workers and the web app are separate processes, so the
in-process ``ScreenPopBus`` of a worker reaches no desk. ``BusBridge`` carries its
events through PostgreSQL ``LISTEN/NOTIFY`` (channel ``dialer_screen_pop``),
always there in production: the worker side sends each event with
``publish_to_remote`` (in order, from one connection), the web side listens and
republishes into its local bus. Notices carry ids only, like the bus itself,
plus the sender's origin so a process that both dials and listens does not
deliver its own events twice. The embedded default (SQLite) stays in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import Engine

from dialer.core.kept_connections import conninfo_of
from dialer.engine.calling.events import Payload, ScreenPopBus, Subscription

log = logging.getLogger(__name__)

CHANNEL = "dialer_screen_pop"
QUEUE_LIMIT = 1000
RETRY_SECONDS = 1.0
_ID_KEYS = ("attempt_id", "contact_id", "campaign_id")
_TEXT_KEYS = ("kind", "result")
_CHANNEL_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Notice:
    origin: str
    agent_user_id: int
    payload: Payload


def encode_notice(origin: str, agent_user_id: int, payload: Payload) -> str:
    """Only the ids and the event's kind and result travel; anything else is left out."""
    body: dict[str, Any] = {key: int(payload[key]) for key in _ID_KEYS if key in payload}
    body.update({key: str(payload[key]) for key in _TEXT_KEYS if payload.get(key) is not None})
    return json.dumps({"o": origin, "a": int(agent_user_id), "p": body}, separators=(",", ":"))


def decode_notice(text: str) -> Notice | None:
    """A notice, or None for anything malformed (never trusted blindly)."""
    try:
        data = json.loads(text)
        body = data["p"]
        payload: Payload = {key: int(body[key]) for key in _ID_KEYS if key in body}
        payload.update({key: str(body[key]) for key in _TEXT_KEYS if key in body})
        if "kind" not in payload:
            return None
        return Notice(str(data["o"]), int(data["a"]), payload)
    except (ValueError, KeyError, TypeError):
        return None


async def listen_forever(conninfo: str, channel: str, ready: asyncio.Event,
                         deliver: Callable[[str], None]) -> None:  # fmt: skip
    """``LISTEN`` on ``channel`` for ever, handing each payload to ``deliver``.

    ``ready`` is set while listening; after a database failure it is cleared and the
    connection is opened again.
    """
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                ready.set()
                async for notify in conn.notifies():
                    deliver(notify.payload)
        except psycopg.Error as error:
            ready.clear()
            log.warning("listening on %s failed (%s), retrying", channel, error)
            await asyncio.sleep(RETRY_SECONDS)


class Notifier:
    """``NOTIFY`` through one connection, kept open between notices.

    A connection a notice cost PostgreSQL a new server process each time (a desk's
    hang-up and its answer: two a call). After a failure the next notice opens a new one.
    """

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()

    async def notify(self, channel: str, payload: str) -> None:
        """Raises ``psycopg.Error`` when the database could not be told."""
        async with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True
                    )
                await self._conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))
            except psycopg.Error:
                await self.close()
                raise

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                await conn.close()


@dataclass(frozen=True)
class NoticeTarget:
    """Where, and as whom, a statement of the worker's own announces a notice itself."""

    conninfo: str
    channel: str
    origin: str


class BusBridge:
    def __init__(self, conninfo: str, bus: ScreenPopBus, *, channel: str = CHANNEL) -> None:
        if not _CHANNEL_NAME.fullmatch(channel):
            raise ValueError(f"invalid NOTIFY channel name {channel!r}")
        self.bus = bus
        self.channel = channel
        self.origin = uuid.uuid4().hex
        self.listening = asyncio.Event()
        self._conninfo = conninfo
        self._outbox: asyncio.Queue[str] = asyncio.Queue(QUEUE_LIMIT)
        self._sender = Notifier(conninfo)
        self._tasks: list[asyncio.Task[None]] = []

    # -- worker side ---------------------------------------------------------
    def target(self) -> NoticeTarget:
        return NoticeTarget(self._conninfo, self.channel, self.origin)

    def publish_to_remote(self, agent_user_id: int, payload: Payload) -> None:
        """Queue an event for the other processes; never blocks the dialer's loop."""
        if self._outbox.full():
            # A stalled database must not grow memory: the oldest pop is the least useful.
            with contextlib.suppress(asyncio.QueueEmpty):
                self._outbox.get_nowait()
        self._outbox.put_nowait(encode_notice(self.origin, agent_user_id, payload))

    def start_sender(self) -> None:
        self._tasks.append(asyncio.create_task(self._send_forever(), name="screen-pop-sender"))

    async def _send_forever(self) -> None:
        pending: str | None = None
        while True:
            pending = pending or await self._outbox.get()
            try:
                await self._sender.notify(self.channel, pending)
                pending = None
            except psycopg.Error as error:
                log.warning("screen-pop bridge: sending failed (%s), retrying", error)
                await asyncio.sleep(RETRY_SECONDS)

    # -- web side ------------------------------------------------------------
    def start_listener(self) -> None:
        self._tasks.append(asyncio.create_task(self._listen_forever(), name="screen-pop-listener"))

    async def _listen_forever(self) -> None:
        await listen_forever(self._conninfo, self.channel, self.listening, self._deliver)

    def _deliver(self, text: str) -> None:
        notice = decode_notice(text)
        if notice is None:
            log.warning("screen-pop bridge: malformed notice ignored")
        elif notice.origin != self.origin:
            self.bus.publish(notice.agent_user_id, notice.payload)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self._sender.close()


class RelayBus(ScreenPopBus):
    """The bus a worker's recorder publishes to: local desks, then the other processes."""

    def __init__(self, local: ScreenPopBus, bridge: BusBridge) -> None:
        super().__init__()
        self.local = local
        self.bridge = bridge

    def publish(self, agent_user_id: int, payload: Payload) -> int:
        delivered = self.local.publish(agent_user_id, payload)
        self.bridge.publish_to_remote(agent_user_id, payload)
        return delivered

    def subscribers(self, agent_user_id: int) -> int:
        return self.local.subscribers(agent_user_id)

    def open(self, agent_user_id: int) -> Subscription:
        return self.local.open(agent_user_id)

    def subscribe(self, agent_user_id: int) -> AsyncIterator[Payload]:
        return self.local.subscribe(agent_user_id)


def channel_for(engine: Engine, base: str = CHANNEL) -> str:
    """The NOTIFY channel ``base`` of the engine's schema.

    Channels are database-wide: two deployments (or test runs) in different schemas
    of one database would otherwise pop each other's calls on their agents' screens.
    """
    options = str(engine.url.query.get("options", ""))
    found = re.search(r"search_path\s*=\s*([^\s,]+)", options)
    if found is None:
        return base
    digest = hashlib.sha256(found.group(1).encode()).hexdigest()[:16]
    return f"{base}_{digest}"


def bridge_for(engine: Engine, bus: ScreenPopBus) -> BusBridge | None:
    """A bridge on PostgreSQL; None on SQLite, where everything runs in one process."""
    if engine.dialect.name != "postgresql":
        return None
    return BusBridge(conninfo_of(engine), bus, channel=channel_for(engine))
