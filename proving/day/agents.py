"""Simulated agents at the real desk: HTTP forms, CSRF and the SSE push channel.

Each agent does what a person at ``/poste`` does: signs in through /connexion,
chooses the campaign, goes available, listens to ``/poste/evenements``, opens the
call panel on a screen pop, talks (a seeded time, cut short if the person hangs
up), posts the outcome form as the page's script does, then goes available again
after the wrap-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from proving.day.clock import SimClock
from proving.day.policy import Choice, decide, form_fields
from proving.day.world import AgentLogin

log = logging.getLogger(__name__)

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version_script" value="([^"]*)"')
_ZONE = re.compile(r"Fuseau de la personne : ([A-Za-z_/+-]+)\.")
RECONNECT_S = 0.5


@dataclass
class DeskTally:
    """What the agents did, counted on their side of the wire."""

    pops: int = 0
    recorded: int = 0
    refused: int = 0
    choices: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # agents that stopped on an error
    # A signed-out agent's old cookie, replayed on each web process: refused or not.
    stale_cookie_refused: int = 0
    stale_cookie_answered: int = 0
    # Outcomes posted whose answer never came (stored or not: the server's rows tell).
    unanswered: int = 0


# uvicorn closes a connection idle for 5 s; a browser-like client drops it first rather
# than reuse one the server is closing (a lost answer to an outcome's POST).
KEEP_ALIVE_UNDER_THE_SERVERS = httpx.Limits(keepalive_expiry=3.0)
LOST_ANSWER_TRIES = 3


@dataclass
class AgentContext:
    base_urls: list[str]  # the web processes; each agent signs in on one
    seed: int
    clock: SimClock
    wrap_up_s: float
    tally: DeskTally
    outcomes_per_contact: Counter[int] = field(default_factory=Counter)
    # (username, simulated moment): that agent leaves the campaign and signs out then.
    sign_out: tuple[str, datetime] | None = None


class DeskAgent:
    def __init__(self, login: AgentLogin, context: AgentContext) -> None:
        self.login = login
        self.ctx = context
        self.csrf = ""
        self._ended: dict[int, asyncio.Event] = {}
        self._busy: asyncio.Lock = asyncio.Lock()
        self._counting: set[asyncio.Future[None]] = set()  # outcomes posted, answer awaited

    @property
    def base_url(self) -> str:
        # Agents are spread over the web processes, as a load balancer would.
        urls = self.ctx.base_urls
        return urls[self.login.user_id % len(urls)]

    async def run(self) -> None:
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=60.0, limits=KEEP_ALIVE_UNDER_THE_SERVERS
        ) as client:
            await self._sign_in(client)
            await self._form(client, "/poste/campagne", {"campagne": str(self.login.campaign_id)})
            await self._form(client, "/poste/disponible", {})
            listening = asyncio.create_task(self._keep_listening(client))
            try:
                if not await self._signed_out(client):
                    await listening
            finally:
                listening.cancel()
                # The day's end cancels this agent: its client must stay open until the
                # outcomes it posted are answered, or a stored outcome goes uncounted.
                await asyncio.shield(asyncio.gather(*self._counting, return_exceptions=True))

    async def _keep_listening(self, client: httpx.AsyncClient) -> None:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                await self._listen(client)
            await asyncio.sleep(RECONNECT_S)

    async def _signed_out(self, client: httpx.AsyncClient) -> bool:
        """At the chosen moment, between calls: leave, sign out, replay the old cookie."""
        plan = self.ctx.sign_out
        if plan is None or plan[0] != self.login.username:
            return False
        while self.ctx.clock() < plan[1]:
            await asyncio.sleep(RECONNECT_S)
        while True:
            async with self._busy:  # never in the middle of a call
                if await self._leave(client):
                    cookies = httpx.Cookies(client.cookies)
                    await self._form(client, "/deconnexion", {})
                    break
            await asyncio.sleep(RECONNECT_S)  # a call came first: take it, then try again
        for url in self.ctx.base_urls:
            await self._replay(url, cookies)
        return True

    async def _leave(self, client: httpx.AsyncClient) -> bool:
        """Pause then leave the campaign; False when a call got in the way (try again)."""
        state = (await client.get("/poste/etat")).json().get("state")
        if (
            state == "available"
            and await self._form(client, "/poste/pause", {"motif": "Réunion"}) >= 400
        ):
            return False
        if state not in ("available", "paused"):
            return False
        return await self._form(client, "/poste/quitter", {}) < 400

    async def _replay(self, url: str, cookies: httpx.Cookies) -> None:
        async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=60.0) as stale:
            answer = await stale.get("/poste/etat")
        refused = answer.status_code in (401, 403) or (
            answer.is_redirect and "/connexion" in answer.headers.get("location", "")
        )
        if refused:
            self.ctx.tally.stale_cookie_refused += 1
        else:
            self.ctx.tally.stale_cookie_answered += 1
            self.ctx.tally.failures.append(f"session fermée encore acceptée par {url}")

    async def _sign_in(self, client: httpx.AsyncClient) -> None:
        page = await client.get("/connexion")
        self.csrf = _token(page.text)
        fields = {"identifiant": self.login.username, "mot_de_passe": self.login.password}
        answer = await client.post("/connexion", data={**fields, "csrf_token": self.csrf,
                                                        "suite": "/poste"})  # fmt: skip
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in of {self.login.username} refused: {answer.status_code}")
        # The session now carries a fresh token: read it from the desk, as the page does.
        self.csrf = _token((await client.get("/poste")).text)

    async def _form(self, client: httpx.AsyncClient, path: str, fields: dict[str, str]) -> int:
        answer = await client.post(path, data={**fields, "csrf_token": self.csrf})
        if answer.status_code >= 400:
            log.warning("%s %s: %s", self.login.username, path, answer.status_code)
        return answer.status_code

    async def _listen(self, client: httpx.AsyncClient) -> None:
        async with client.stream("GET", "/poste/evenements", timeout=None) as stream:
            # A call bridged while the stream was (re)connecting popped to nobody: ask.
            state = (await client.get("/poste/etat")).json()
            if state.get("attempt_id") and state.get("state") == "on_call":
                self._take(client, int(state["attempt_id"]), int(state["contact_id"]))
            async for kind, data in _events(stream):
                if kind == "screen_pop":
                    self._take(client, int(data["attempt_id"]), int(data["contact_id"]))
                elif kind == "call_ended":
                    self._ended.setdefault(int(data["attempt_id"]), asyncio.Event()).set()

    def _take(self, client: httpx.AsyncClient, attempt_id: int, contact_id: int) -> None:
        self._ended.setdefault(attempt_id, asyncio.Event())
        task = asyncio.create_task(self._call(client, attempt_id, contact_id))
        task.add_done_callback(_log_failure)

    async def _call(self, client: httpx.AsyncClient, attempt_id: int, contact_id: int) -> None:
        async with self._busy:
            panel = await client.get(f"/poste/appels/{attempt_id}")
            if panel.status_code != 200:
                return  # already recorded (a reconnect asked twice) or not ours
            self.ctx.tally.pops += 1
            # What the person says depends on who they are, never on which call this is.
            contact = contact_id
            earlier = self.ctx.outcomes_per_contact[contact]
            decision = decide(self.ctx.seed, contact, earlier)
            ended = self._ended[attempt_id]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), self.ctx.clock.real_seconds(decision.talk_s))
            await self._record(client, attempt_id, contact, decision, panel.text)
            self._ended.pop(attempt_id, None)
            await self._wrap_up(client)

    async def _record(self, client: httpx.AsyncClient, attempt_id: int, contact: int,
                      decision: Any, panel: str) -> None:  # fmt: skip
        zone = _ZONE.search(panel)
        fields = form_fields(decision, contact, zone.group(1) if zone else "Europe/Paris",
                             self.ctx.clock())  # fmt: skip
        version = _VERSION.search(panel)
        fields |= {"csrf_token": self.csrf, "version_script": version.group(1) if version else ""}

        def post() -> Awaitable[httpx.Response]:
            return client.post(
                f"/poste/appels/{attempt_id}/resultat",
                files=[(name, (None, value)) for name, value in fields.items()],
                headers={"X-CSRF-Token": self.csrf},
            )

        # Shielded: the end of the day cancels the agents, and an outcome the server
        # stored must still be counted on this side of the wire.
        counting = asyncio.ensure_future(self._count(client, post, attempt_id, decision, contact))
        await asyncio.shield(counting)

    async def _count(
        self, client: httpx.AsyncClient, post: Callable[[], Awaitable[httpx.Response]],
        attempt_id: int, decision: Any, contact: int,
    ) -> None:  # fmt: skip
        answer = await self._send_until_answered(client, post, attempt_id)
        if answer is None:
            self.ctx.tally.unanswered += 1
        elif answer.status_code == 200:
            self.ctx.tally.recorded += 1
            self.ctx.tally.choices[decision.choice.value] += 1
            self.ctx.outcomes_per_contact[contact] += 1
        else:
            self.ctx.tally.refused += 1
            log.warning("outcome of attempt %s refused: %s", attempt_id, answer.status_code)

    async def _send_until_answered(
        self, client: httpx.AsyncClient, post: Callable[[], Awaitable[httpx.Response]],
        attempt_id: int,
    ) -> httpx.Response | None:  # fmt: skip
        """The outcome's answer; when it is lost on the wire, what a person does: reload
        the call's page (gone once its outcome is recorded) and send the form again if not.
        None when no answer came at all (the client closed with the day)."""
        for _ in range(LOST_ANSWER_TRIES):
            try:
                return await post()
            except (httpx.TransportError, RuntimeError) as error:
                log.warning("outcome of attempt %s unanswered (%r)", attempt_id, error)
            with contextlib.suppress(httpx.TransportError, RuntimeError):
                page = await client.get(f"/poste/appels/{attempt_id}")
                if page.status_code != 200:
                    return httpx.Response(200)  # stored before its answer was lost
        return None

    async def _wrap_up(self, client: httpx.AsyncClient) -> None:
        await asyncio.sleep(self.ctx.clock.real_seconds(self.ctx.wrap_up_s))
        state = (await client.get("/poste/etat")).json()
        if state.get("state") == "wrap_up":
            await self._form(client, "/poste/disponible", {})


def _token(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


async def _events(stream: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """Server-sent events as (event name, decoded data)."""
    kind, data = "message", ""
    async for line in stream.aiter_lines():
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
        elif not line and data:
            yield kind, json.loads(data)
            kind, data = "message", ""


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("agent call handling failed: %r", task.exception())


__all__ = ["AgentContext", "Choice", "DeskAgent", "DeskTally"]
