"""Desk commands across processes: the desk asks the worker holding a call to act on it.

In production the web processes never dial (docs/deploy.md): only the worker that
placed a call knows its channel, through its own AMI connection. The desk's
« Raccrocher » and a preview's « Appeler » therefore travel to that worker through
PostgreSQL ``NOTIFY`` (channel ``dialer_desk_command``), and its answer comes back on
``dialer_desk_reply``: either nothing (done) or the French reason it could not be
done, with its kind (``dialer.engine.calling.control.Refusal``) so the desk answers the same
status as it would in process. Commands carry ids only, and a worker acts only on those
addressed to its worker id; the web side waits a bounded time for the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import Engine

from dialer.core.kept_connections import conninfo_of
from dialer.engine.calling.bridge import Notifier, channel_for, listen_forever
from dialer.engine.calling.control import FAILED_FR, CallControlRefused, Refusal

log = logging.getLogger(__name__)

COMMAND_CHANNEL = "dialer_desk_command"
REPLY_CHANNEL = "dialer_desk_reply"
HANGUP = "hangup"
DIAL_PREVIEW = "dial_preview"
STEER = "steer"  # hold, resume, transfer, supervision: ``params`` say which (callcontrol)
ACTIONS = frozenset({HANGUP, DIAL_PREVIEW, STEER})
REPLY_TIMEOUT_S = 10.0
MAX_PARAMS = 4


class CommandTimeout(TimeoutError):
    """No answer: the worker is down or holds no such call, or the database is away."""


Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Command:
    request_id: str
    worker_id: str
    action: str
    attempt_id: int
    agent_user_id: int
    # Short texts only (an operation, a destination, a phone), checked again by the worker.
    params: Params = ()


def encode_command(command: Command) -> str:
    data: dict[str, object] = {
        "r": command.request_id, "w": command.worker_id, "c": command.action,
        "a": command.attempt_id, "u": command.agent_user_id,
    }  # fmt: skip
    if command.params:
        data["p"] = dict(command.params)
    return json.dumps(data, separators=(",", ":"))


def decode_command(text: str) -> Command | None:
    """A command, or None for anything malformed or unknown (never trusted blindly)."""
    try:
        data = json.loads(text)
        params = _params(data.get("p", {}))
        command = Command(
            str(data["r"]), str(data["w"]), str(data["c"]), int(data["a"]), int(data["u"]),
            params,
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return command if command.action in ACTIONS else None


def _params(raw: object) -> Params:
    if not isinstance(raw, dict) or len(raw) > MAX_PARAMS:
        raise ValueError("command parameters must be a small object")
    pairs = tuple(sorted((str(k), str(v)) for k, v in raw.items()))
    if any(len(k) > 20 or len(v) > 100 for k, v in pairs):
        raise ValueError("command parameter too long")
    return pairs


Reply = tuple[str, CallControlRefused | None]  # (request id, refusal or None when done)


def encode_reply(request_id: str, refused: CallControlRefused | None) -> str:
    error, kind = (None, None) if refused is None else (refused.message, refused.refusal.value)
    return json.dumps({"r": request_id, "e": error, "k": kind}, separators=(",", ":"))


def decode_reply(text: str) -> Reply | None:
    try:
        data = json.loads(text)
        error = data["e"]
        request_id = str(data["r"])
    except (ValueError, KeyError, TypeError):
        return None
    if error is None:
        return request_id, None
    kind = data.get("k") if isinstance(data, dict) else None
    # A kind this process does not know yet (a newer worker) is still a refusal.
    refusal = Refusal(kind) if kind in set(Refusal) else Refusal.FAILED
    return request_id, CallControlRefused(refusal, str(error))


# Done when it returns; ``CallControlRefused`` when not, as in process.
Executor = Callable[[Command], Awaitable[None]]


class CommandListener:
    """Worker side: runs the commands addressed to this worker and answers each."""

    def __init__(
        self, conninfo: str, worker_id: str, execute: Executor, *,
        channel: str = COMMAND_CHANNEL, reply_channel: str = REPLY_CHANNEL,
    ) -> None:  # fmt: skip
        self.listening = asyncio.Event()
        self._conninfo = conninfo
        self._worker_id = worker_id
        self._execute = execute
        self._channel = channel
        self._reply_channel = reply_channel
        self._replies = Notifier(conninfo)
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._spawn(listen_forever(self._conninfo, self._channel, self.listening, self._received))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _received(self, text: str) -> None:
        command = decode_command(text)
        if command is None:
            log.warning("desk commands: malformed command ignored")
        elif command.worker_id == self._worker_id:
            self._spawn(self._run(command))

    async def _run(self, command: Command) -> None:
        error: CallControlRefused | None = None
        try:
            await self._execute(command)
        except CallControlRefused as refused:
            error = refused
        except Exception:
            log.exception("desk command %s on attempt %s failed", command.action,
                          command.attempt_id)  # fmt: skip
            error = CallControlRefused(Refusal.FAILED, FAILED_FR)
        try:
            await self._replies.notify(self._reply_channel, encode_reply(command.request_id, error))
        except psycopg.Error as failure:
            log.warning("desk commands: reply not sent (%s)", failure)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._replies.close()


class CommandSender:
    """Web side: sends a command to the worker holding a call and waits for its answer."""

    def __init__(self, conninfo: str, *, channel: str = COMMAND_CHANNEL,
                 reply_channel: str = REPLY_CHANNEL) -> None:  # fmt: skip
        self.listening = asyncio.Event()
        self._conninfo = conninfo
        self._channel = channel
        self._reply_channel = reply_channel
        self._commands = Notifier(conninfo)
        self._waiting: dict[str, asyncio.Future[CallControlRefused | None]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        work = listen_forever(self._conninfo, self._reply_channel, self.listening, self._received)
        self._task = asyncio.create_task(work, name="desk-command-replies")

    def _received(self, text: str) -> None:
        reply = decode_reply(text)
        future = self._waiting.get(reply[0]) if reply is not None else None
        if reply is not None and future is not None and not future.done():
            future.set_result(reply[1])

    async def send(self, worker_id: str, action: str, attempt_id: int, agent_user_id: int,
                   timeout_s: float = REPLY_TIMEOUT_S,
                   params: Params = ()) -> CallControlRefused | None:  # fmt: skip
        """The worker's refusal, or None when done; CommandTimeout if nobody answers."""
        command = Command(uuid.uuid4().hex, worker_id, action, attempt_id, agent_user_id, params)
        future: asyncio.Future[CallControlRefused | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting[command.request_id] = future
        try:
            # Not listening yet (or the database is away): the answer could not be heard.
            await asyncio.wait_for(self.listening.wait(), timeout_s)
            await self._commands.notify(self._channel, encode_command(command))
            return await asyncio.wait_for(future, timeout_s)
        except (TimeoutError, psycopg.Error) as error:
            raise CommandTimeout(f"{action} of attempt {attempt_id}: no answer") from error
        finally:
            self._waiting.pop(command.request_id, None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._commands.close()


def command_listener_for(
    engine: Engine, worker_id: str, execute: Executor
) -> CommandListener | None:
    """A worker's listener on PostgreSQL; None on SQLite, where one process does everything."""
    if engine.dialect.name != "postgresql":
        return None
    return CommandListener(conninfo_of(engine), worker_id, execute,
                           channel=channel_for(engine, COMMAND_CHANNEL),
                           reply_channel=channel_for(engine, REPLY_CHANNEL))  # fmt: skip


def command_sender_for(engine: Engine) -> CommandSender | None:
    """A web process's sender on PostgreSQL; None on SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    return CommandSender(conninfo_of(engine), channel=channel_for(engine, COMMAND_CHANNEL),
                         reply_channel=channel_for(engine, REPLY_CHANNEL))  # fmt: skip
