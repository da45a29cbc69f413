"""One supervised AMI connection: login, keep-alive, reconnect, timed actions.

panoramisk's Manager parses and dispatches; this class owns the socket's
life. It reconnects with exponential backoff and jitter (a fleet of dialers
must not hammer a restarting Asterisk in step), checks the link with a timed
Ping, and gives every action a timeout because panoramisk 1.4 waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from panoramisk.manager import Manager

from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.errors import AmiError, AmiLoginError, AmiNotConnected, AmiTimeout
from telephony.ami.frames import HeaderValue
from telephony.ami.protocol import SafeAmiProtocol, make_action

log = logging.getLogger(__name__)

EventSink = Callable[[Any], None]
LoginHook = Callable[[], Awaitable[None]]
RoundTripHook = Callable[[str, float], None]  # (action, seconds)


@dataclass(frozen=True)
class ConnectionSettings:
    endpoint: AmiEndpoint
    action_timeout_s: float = 5.0
    connect_timeout_s: float = 5.0
    ping_interval_s: float = 10.0
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    backoff_jitter: float = 0.5


def backoff_delay(failures: int, settings: ConnectionSettings, rand: random.Random) -> float:
    """Exponential, capped, with up to ``backoff_jitter`` of it taken off at random."""
    base = min(settings.backoff_max_s, settings.backoff_initial_s * 2 ** min(failures, 30))
    return float(base * (1 - settings.backoff_jitter * rand.random()))


def md5_key(challenge: str, secret: str) -> str:
    # Asterisk's MD5 login; not used for security strength but by protocol.
    return hashlib.md5((challenge + secret).encode(), usedforsecurity=False).hexdigest()


class _Manager(Manager):  # type: ignore[misc]
    """panoramisk's Manager with reconnection and re-sending taken away."""

    def __init__(self, owner: AmiConnection) -> None:
        super().__init__(loop=asyncio.get_running_loop())
        # The constructor registers FullyBooted -> send_awaiting_actions.
        self.patterns.clear()
        self.callbacks.clear()
        self._owner = owner

    def dispatch(self, event: Any) -> list[str]:
        self._owner.on_event(event)
        return []

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner.connection_lost(exc)

    async def send_awaiting_actions(self, *_: Any) -> None:
        return None


class AmiConnection:
    def __init__(
        self,
        settings: ConnectionSettings,
        on_event: EventSink,
        on_login: LoginHook | None = None,
        rand: random.Random | None = None,
        on_round_trip: RoundTripHook | None = None,
    ) -> None:
        self.settings = settings
        self.on_event = on_event
        self._on_login = on_login
        self._rand = rand or random.Random()
        self._protocol: SafeAmiProtocol | None = None
        self._manager: _Manager | None = None
        self._task: asyncio.Task[None] | None = None
        self._lost: asyncio.Future[None] | None = None
        self._first_login: asyncio.Future[None] | None = None
        self._closing = False
        # Set when we close the socket ourselves, so its loss is not reported as one.
        self._dropped_on_purpose = False
        self.logged_in = False
        self.logins = 0
        self._on_round_trip = on_round_trip

    # -- life ----------------------------------------------------------------
    async def start(self, timeout_s: float | None = 30.0) -> None:
        """Connect and log in; returns after the first login, raises if refused."""
        loop = asyncio.get_running_loop()
        self._manager = _Manager(self)
        self._first_login = loop.create_future()
        self._task = asyncio.create_task(self._supervise(), name="ami-supervisor")
        try:
            await asyncio.wait_for(asyncio.shield(self._first_login), timeout_s)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        self._closing = True
        self._drop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def drop(self) -> None:
        """Close the socket (the supervisor reconnects): used on a dead link."""
        self._drop()

    def _drop(self) -> None:
        if self._protocol is not None:
            self._dropped_on_purpose = True
            self._protocol.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.logged_in = False
        if self._closing or self._dropped_on_purpose:
            log.debug("AMI connection to %s closed", self.settings.endpoint)
        else:
            reason = exc if exc is not None else "closed by the PBX"
            log.warning("AMI connection to %s lost: %s", self.settings.endpoint, reason)
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)

    # -- supervision ---------------------------------------------------------
    async def _supervise(self) -> None:
        failures = 0
        while not self._closing:
            try:
                await self._session()
                failures = 0
            except AmiLoginError as exc:
                if self._fail_first(exc):
                    return
                log.error("AMI login to %s refused: %s", self.settings.endpoint, exc)
            except (OSError, AmiError, TimeoutError) as exc:
                log.warning("AMI connection to %s failed: %s", self.settings.endpoint, exc)
            finally:
                self.logged_in = False
                self._drop()
            if not self._closing:
                await asyncio.sleep(backoff_delay(failures, self.settings, self._rand))
                failures += 1

    def _fail_first(self, exc: Exception) -> bool:
        if self._first_login is not None and not self._first_login.done():
            self._first_login.set_exception(exc)
            return True
        return False

    async def _session(self) -> None:
        loop = asyncio.get_running_loop()
        self._lost = loop.create_future()
        connecting = loop.create_connection(
            SafeAmiProtocol, self.settings.endpoint.host, self.settings.endpoint.port
        )
        _, protocol = await asyncio.wait_for(connecting, self.settings.connect_timeout_s)
        self._dropped_on_purpose = False
        self._attach(protocol)
        await self._login()
        self.logged_in = True
        self.logins += 1
        if self._on_login is not None:
            await self._on_login()
        if self._first_login is not None and not self._first_login.done():
            self._first_login.set_result(None)
        await self._keep_alive(self._lost)

    def _attach(self, protocol: SafeAmiProtocol) -> None:
        protocol.factory = self._manager
        protocol.log = log
        protocol.encoding = "utf8"
        protocol.config = {}
        self._protocol = protocol
        if self._manager is not None:
            self._manager.protocol = protocol

    async def _keep_alive(self, lost: asyncio.Future[None]) -> None:
        while not lost.done():
            await asyncio.wait([lost], timeout=self.settings.ping_interval_s)
            if lost.done():
                return
            try:
                await self.send({"Action": "Ping"})
            except AmiTimeout:
                log.warning("AMI Ping unanswered: reconnecting")
                self._drop()
                return

    async def _login(self) -> None:
        endpoint = self.settings.endpoint
        login: dict[str, HeaderValue] = {"Action": "Login", "Username": endpoint.username}
        if endpoint.auth == "md5":
            challenge = await self.send(
                {"Action": "Challenge", "AuthType": "MD5"}, before_login=True
            )
            if challenge.get("Response") != "Success":
                raise AmiLoginError(challenge.get("Message", "challenge refused"))
            login["AuthType"] = "MD5"
            login["Key"] = md5_key(challenge.get("Challenge", ""), endpoint.secret)
        else:
            login["Secret"] = endpoint.secret
        login["Events"] = "on"
        reply = await self.send(login, before_login=True)
        if reply.get("Response") != "Success":
            raise AmiLoginError(reply.get("Message", "login refused"))

    # -- actions -------------------------------------------------------------
    async def send(
        self,
        headers: Mapping[str, HeaderValue],
        *,
        as_list: bool = False,
        timeout_s: float | None = None,
        before_login: bool = False,
    ) -> Any:
        """Send one action and wait (bounded) for its response.

        Raises UnsafeAmiValue before anything is written, AmiNotConnected when
        nothing was written, AmiTimeout / AmiDisconnected when it was written
        but not answered. A list action returns the list of messages.
        """
        action = make_action(headers, as_list)
        protocol = self._protocol
        if protocol is None or protocol.closed or not (self.logged_in or before_login):
            raise AmiNotConnected(f"{headers.get('Action')}: not connected to AMI")
        sent_at = time.perf_counter()
        future = protocol.send(action)
        try:
            reply = await asyncio.wait_for(future, timeout_s or self.settings.action_timeout_s)
        except TimeoutError as exc:
            protocol.forget(action)
            raise AmiTimeout(f"{headers.get('Action')}: no response") from exc
        if self._on_round_trip is not None:
            self._on_round_trip(str(headers.get("Action")), time.perf_counter() - sent_at)
        return reply
