"""The HTTP desks of the crowd bench, in a process of their own (bench/screenpop_crowd.py).

Each signs in, joins the campaign, goes available and keeps its event stream open; on
each ``screen_pop`` it reads the panel pushed with it (or asks for it, as desk.js
does), notes when the person's name arrived, talks ``--talk`` seconds, then posts the
outcome through the desk.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
import time
from datetime import UTC
from typing import Any

import httpx
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt

CSRF = re.compile(r'(?:name="csrf_token" value|data-csrf)="([^"]+)"')
NAME = re.compile(r'id="nom-personne"[^>]*>([^<]+)<')

SIGN_IN_AT_ONCE = 6
SIGN_IN_BOUND_S = 240.0


STORED_BOUND_S = 60.0


def connected_ms(engine: Any, attempt_id: int) -> float | None:
    """When the AMI client heard the bridge (epoch ms), once the recorder has stored it.

    The pop leaves before the bridge is stored (``EarlyPop``): the start is waited for,
    or a slow store would drop exactly the calls it delayed from the figures.
    """
    deadline = time.monotonic() + STORED_BOUND_S
    while True:
        with Session(engine) as db:
            attempt = db.get(CallAttempt, attempt_id)
            if attempt is not None and attempt.connected_at is not None:
                return attempt.connected_at.replace(tzinfo=UTC).timestamp() * 1000
        if attempt is None or attempt.result is not None or time.monotonic() > deadline:
            return None
        time.sleep(0.05)


class StreamDesk:
    """One agent's desk as an HTTP client: the event stream, and the panel on each pop."""

    def __init__(
        self, url: str, username: str, agent_id: int, password: str, talk_s: float
    ) -> None:
        self.url, self.username, self.agent_id, self.password = url, username, agent_id, password
        self.talk_s = talk_s
        self.latencies: list[tuple[float, float]] = []  # (when, latency ms)
        # Part of it: the pop's frame read from the stream, before the panel is asked for.
        self.framed: list[tuple[float, float]] = []  # (when, ms from connected to frame)
        self.ready = False  # its event stream is open

    async def run(
        self, engine: Any, campaign_id: int, stop: asyncio.Event, gate: asyncio.Semaphore
    ) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as http:
            # A few sign-ins at a time: 200 at once exhaust the web's database pool.
            async with gate:
                csrf = await self._sign_in(http)
                form = {"campagne": str(campaign_id), "csrf_token": csrf}
                await http.post("/poste/campagne", data=form)
                await http.post("/poste/disponible", data={"csrf_token": csrf})
            async with http.stream("GET", "/poste/evenements", timeout=None) as stream:
                self.ready = True
                kind = ""
                async for line in stream.aiter_lines():
                    if stop.is_set():
                        return
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: ") and kind == "screen_pop":
                        await self._pop(http, engine, csrf, line, time.time() * 1000)

    async def _sign_in(self, http: httpx.AsyncClient) -> str:
        token = CSRF.search((await http.get("/connexion")).text)
        assert token is not None
        form = {"identifiant": self.username, "mot_de_passe": self.password,
                "csrf_token": token.group(1)}  # fmt: skip
        await http.post("/connexion", data=form)
        page = CSRF.search((await http.get("/poste")).text)
        assert page is not None, "desk page without CSRF token"
        return page.group(1)

    async def _pop(
        self, http: httpx.AsyncClient, engine: Any, csrf: str, line: str, framed_at: float
    ) -> None:
        data = json.loads(line[len("data: ") :])
        attempt_id = int(data["attempt_id"])
        # As desk.js: the panel pushed with the pop, else asked for.
        html = data.get("html") or (await http.get(f"/poste/appels/{attempt_id}")).text
        named_at = time.time() * 1000
        start = await asyncio.to_thread(connected_ms, engine, attempt_id)
        if start is not None and NAME.search(html):
            self.latencies.append((time.monotonic(), named_at - start))
            self.framed.append((time.monotonic(), framed_at - start))
        # The agent talks, then records the outcome through the desk, as desk.js does:
        # written here, from another process, it would hold SQLite's lock against the
        # server's writers, who then sleep in SQLite's busy handler (up to 100 ms).
        await asyncio.sleep(self.talk_s)
        form = {"csrf_token": csrf, "entretien": "accepted", "offre": "accepted"}
        await http.post(f"/poste/appels/{attempt_id}/resultat", data=form)


class DeskCrowd:
    """The HTTP desks in a process of their own, as a floor's browsers are: their
    200 clients must not take the server's interpreter lock from the pops they measure."""

    def __init__(
        self, url: str, database_url: str, campaign_id: int, specs: list[tuple[str, int]],
        password: str, talk_s: float,
    ) -> None:  # fmt: skip
        context = multiprocessing.get_context("spawn")
        self._ready = context.Value("i", 0)
        self._stop = context.Event()
        self._out: Any = context.Queue()
        arguments = (url, database_url, campaign_id, specs, password, talk_s)
        self._process = context.Process(
            target=_crowd_main, args=(*arguments, self._ready, self._stop, self._out), daemon=True
        )
        self._process.start()
        self.size = len(specs)

    def wait_ready(self) -> int:
        deadline = time.monotonic() + SIGN_IN_BOUND_S
        while self._ready.value < self.size and time.monotonic() < deadline:
            time.sleep(0.2)
        return int(self._ready.value)

    def finish(self) -> tuple[list[tuple[float, float]], list[tuple[float, float]], int]:
        """Stop the desks; (latencies, framed, desks connected), each as (when, ms)."""
        self._stop.set()
        figures = self._out.get(timeout=120)
        self._process.join(timeout=30)
        return figures  # type: ignore[no-any-return]


def _crowd_main(
    url: str, database_url: str, campaign_id: int, specs: list[tuple[str, int]], password: str,
    talk_s: float, ready: Any, done: Any, out: Any,
) -> None:  # fmt: skip
    from dialer.core.db import make_engine

    engine = make_engine(database_url)
    desks = [StreamDesk(url, name, agent_id, password, talk_s) for name, agent_id in specs]

    async def all_desks() -> None:
        stop, gate = asyncio.Event(), asyncio.Semaphore(SIGN_IN_AT_ONCE)
        tasks = [asyncio.create_task(d.run(engine, campaign_id, stop, gate)) for d in desks]
        while not done.is_set():
            ready.value = sum(d.ready for d in desks)
            await asyncio.sleep(0.2)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(all_desks())
    latencies = [mark for d in desks for mark in d.latencies]
    framed = [mark for d in desks for mark in d.framed]
    out.put((latencies, framed, sum(d.ready for d in desks)))
    engine.dispose()
