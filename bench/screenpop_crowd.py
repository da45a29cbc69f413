"""Screen pops with many agents connected at once (``bench/screenpop.py --agents 200``).

Every agent signs in, joins the campaign, goes available and keeps its desk's event
stream open, as a connected desk does; the dialer calls for all of them through the
PBX simulator. ``--pages`` of them are real desks in headless Chromium (the figure
that counts: the person's name in the page); the others are HTTP clients that, on
each ``screen_pop`` event, read the panel pushed with it, or fetch it when the pop
came without, as desk.js does (their figure: the name in the panel's HTML, before
any rendering). Start of each measure: the attempt's
``connected_at``, the AMI client's clock when the bridge event arrived. Each measured
call's outcome is then recorded (as the agent would) so its agent gets the next call.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.schemas import own_schema
from bench.screenpop_desks import DeskCrowd, connected_ms
from bench.screenpop_processes import production_floor
from dialer.accounts import hash_password
from dialer.accounts.models import User
from dialer.campaigns.setup import create_fund
from dialer.contacts.territories import Territory
from dialer.core.db import make_engine
from dialer.core.runtime import build_runtime
from dialer.core.settings import Settings
from dialer.engine.service import DEFAULT_TICK_SECONDS
from dialer.operations.prestart import prepare_storage
from telephony.sim import PopulationModel, SimulatorConfig
from tests.web.desk.live_server import live_server, seed_ameli_campaign

GOAL_P99_MS = 50.0
# Below this many calls a p99 is the slowest call, or close to it: no figure to judge by.
# Eight pages in Chromium make about 35 page calls in two minutes; a verdict on the goal
# needs a run of eight minutes or more (``--seconds 480``), or more pages.
MIN_CALLS_FOR_P99 = 100
# Everyone answers, after a ring as long as real ones (the simulator's default spread):
# calls placed by one tick are then answered over seconds, as on a floor, not all at once.
# The person stays on the line until the desk's outcome ends the call (``--talk``).
FLOOR = PopulationModel(
    busy=0.0, no_answer=0.0, congestion=0.0, invalid=0.0, machine=0.0,
    talk_mean_s=600.0, talk_min_s=600.0, talk_max_s=600.0,
)  # fmt: skip


def prepare(
    folder: Path, agents: int, people: int, password: str, database_url: str | None = None
) -> tuple[Settings, list[int]]:
    settings = Settings(
        database_url=database_url or f"sqlite:///{folder}/bench.sqlite3",
        data_key_file=folder / "keys.json",
        demo_data=False,
    )
    runtime = build_runtime(settings)
    prepare_storage(runtime.engine)
    digest = hash_password(password)
    with Session(runtime.engine) as db:
        # The simulator's virtual agents answer 800-999 (asterisk/extensions-test.conf).
        users = [
            User(username=f"agent{n:03d}", full_name=f"Agent {n:03d}", role="agent",
                 phone_endpoint=str(800 + n), password_hash=digest)
            for n in range(agents)
        ]  # fmt: skip
        db.add_all(users)
        fund = create_fund(db, "CPAM-BENCH", "CPAM du banc", Territory.METRO)
        db.commit()
        ids, fund_id = [u.id or 0 for u in users], fund.id or 0
    seed_ameli_campaign(
        runtime.engine, runtime.cipher, fund_id, ids, people, wrap_up_seconds=0, code="BENCH"
    )
    runtime.engine.dispose()
    return settings, ids


# The desk's own POST of an outcome, from the page (its session and CSRF token): the
# call then ends, as desk.js's form ends it, and the dialer gives the agent the next one.
POST_OUTCOME = """attempt => fetch("/poste/appels/" + attempt + "/resultat", {
  method: "POST", credentials: "same-origin",
  headers: {"X-CSRF-Token": document.getElementById("poste").dataset.csrf},
  body: new URLSearchParams({entretien: "accepted", offre: "accepted"}),
}).then(response => response.status)"""


def finish(page: Any, attempt_id: int) -> None:
    status = page.evaluate(POST_OUTCOME, attempt_id)
    assert status == 200, f"outcome of attempt {attempt_id} refused ({status})"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"calls": 0}
    return {
        "calls": len(values),
        "p99_is_the_max": len(values) < MIN_CALLS_FOR_P99,
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1),
    }


def load() -> dict[str, float]:
    one, five, _ = os.getloadavg()
    return {"load_1min": round(one, 2), "load_5min": round(five, 2), "cpus": os.cpu_count() or 0}


MARK_POLL_S = 0.25


def open_desk(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/connexion")
    page.fill("#identifiant", username)
    page.fill("#mot_de_passe", password)
    page.click("button[type=submit]")
    page.goto(f"{url}/poste")
    page.click("text=Rejoindre la campagne")
    page.wait_for_selector("[data-stream=ouvert]")
    page.click("#bouton-disponible")
    page.wait_for_selector("[data-stream=ouvert]")


def follow_pages(
    pages: list[tuple[Any, int]], engine: Any, seconds: float, talk_s: float
) -> list[tuple[float, float]]:
    """Each page's marks (desk.js) as they come; the outcome ``talk_s`` after each pop."""
    latencies: list[tuple[float, float]] = []  # (when, ms)
    seen = [0] * len(pages)
    due: dict[int, tuple[float, int]] = {}  # page index -> (when, attempt) to finish
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for index, (page, _agent) in enumerate(pages):
            if index in due:
                when, attempt = due[index]
                if time.monotonic() >= when:
                    finish(page, attempt)
                    del due[index]
                continue
            mark = page.evaluate(f"window.deskMarks[{seen[index]}] || null")
            if mark is None:
                continue
            seen[index] += 1
            start = connected_ms(engine, int(mark["attempt"]))
            if start is not None:
                latencies.append((time.monotonic(), float(mark["shownAt"]) - start))
            due[index] = (time.monotonic() + talk_s, int(mark["attempt"]))
        # The page stamps its own marks: polling less often changes no figure, and each
        # poll costs the shared CPU a round trip through the driver into Chromium.
        time.sleep(MARK_POLL_S)
    return latencies


LAYOUTS = ("embedded", "production")


def run_crowd(
    agents: int, pages: int, seconds: float, time_factor: float, talk_s: float,
    database_url: str | None = None, warm_up_s: float = 30.0, layout: str = "embedded",
) -> dict[str, Any]:  # fmt: skip
    """``seconds`` measured after ``warm_up_s`` (reported apart as the first wave)."""
    if layout == "production" and not database_url:
        raise ValueError("the production layout runs on PostgreSQL: give --database-url")
    if database_url:
        with own_schema(database_url, "bench_screenpop") as url:
            return _run_crowd(agents, pages, seconds, time_factor, talk_s, url, warm_up_s, layout)
    return _run_crowd(agents, pages, seconds, time_factor, talk_s, None, warm_up_s, layout)


@dataclass
class Served:
    """What the bench reads of the floor under test, whichever its layout."""

    url: str
    engine: Any
    cpu_seconds: Callable[[], float]  # the server side's CPU so far (app, dialer, simulator)
    ami_lag: Callable[[], tuple[float, float]] | None  # (sum s, count), when in this process


@contextmanager
def served_floor(
    layout: str, settings: Settings, folder: Path, time_factor: float
) -> Iterator[Served]:
    if layout == "production":
        with production_floor(settings.database_url, folder) as floor:
            engine = make_engine(settings.database_url)
            try:
                yield Served(floor.url, engine, floor.cpu_seconds, None)
            finally:
                engine.dispose()
        return
    sim = SimulatorConfig(time_factor=time_factor, seed=5, population=FLOOR)
    # The service's own tick: a faster one adds writers the floor would not have.
    with live_server(settings, sim, tick_seconds=DEFAULT_TICK_SECONDS) as server:
        runtime = server.app.state.runtime
        lag = runtime.metrics.ami_event_lag
        yield Served(server.url, runtime.engine, time.process_time, lambda: lag_of(lag))


def _run_crowd(
    agents: int, pages: int, seconds: float, time_factor: float, talk_s: float,
    database_url: str | None, warm_up_s: float, layout: str,
) -> dict[str, Any]:  # fmt: skip
    from playwright.sync_api import sync_playwright

    from bench.screenpop import CHROMIUM, CHROMIUM_ARGS

    password = "banc d'essai foule"
    with tempfile.TemporaryDirectory() as folder:
        # Enough people that nobody runs out of calls during the run.
        people = agents * (2 + int(seconds / max(talk_s, 0.5)))
        settings, ids = prepare(Path(folder), agents, people, password, database_url)
        with served_floor(layout, settings, Path(folder), time_factor) as server, \
                sync_playwright() as pw:  # fmt: skip
            engine = server.engine
            campaign_id = _campaign_id(engine)
            specs = [(f"agent{n:03d}", ids[n]) for n in range(pages, agents)]
            crowd = DeskCrowd(server.url, settings.database_url, campaign_id, specs, password,
                              talk_s)  # fmt: skip
            # Signing 200 desks in (Argon2 on purpose) is set-up, not measured.
            crowd.wait_ready()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            opened = []
            for n in range(pages):
                page = browser.new_context().new_page()
                open_desk(page, server.url, f"agent{n:03d}", password)
                opened.append((page, ids[n]))
            started, cpu_started = time.monotonic(), server.cpu_seconds()
            lag_started = server.ami_lag() if server.ami_lag else None
            page_marks = follow_pages(opened, engine, warm_up_s + seconds, talk_s)
            cpu_s = server.cpu_seconds() - cpu_started
            lag_mean_ms = None
            if server.ami_lag is not None and lag_started is not None:
                lag_total, lag_events = (
                    b - a for a, b in zip(lag_started, server.ami_lag(), strict=True)
                )
                lag_mean_ms = round(lag_total * 1000 / lag_events, 1) if lag_events else None
            latencies, framed_marks, connected = crowd.finish()
            elapsed = time.monotonic() - started
            browser.close()
            figures_load = load()
    # The first wave (every desk free at once, 200 calls placed in a few ticks) is
    # reported apart: the goal is the floor's steady pace.
    steady_from = started + warm_up_s
    in_pages = [ms for when, ms in page_marks if when >= steady_from]
    in_streams = [ms for when, ms in latencies if when >= steady_from]
    framed = [ms for when, ms in framed_marks if when >= steady_from]
    page_figures = summary(in_pages)
    pops = len(page_marks) + len([when for when, _ in latencies if when >= started])
    first_wave = {
        "seconds": warm_up_s,
        "name_in_page": summary([ms for when, ms in page_marks if when < steady_from]),
        "name_in_panel_html": summary(
            [ms for when, ms in latencies if started <= when < steady_from]
        ),
    }
    return {
        "database": "postgresql" if database_url else "sqlite",
        "layout": layout,
        "agents": agents,
        "chromium_pages": pages,
        "desks_connected": pages + connected,
        "seconds": round(elapsed, 1),
        "name_in_page": page_figures,
        "name_in_panel_html": summary(in_streams),
        # Where the time goes: up to the pop's frame in the stream (dialer, recorder, bus,
        # stream), the rest is the panel's request (HTTP desks).
        "frame_in_stream": summary(framed),
        "first_wave": first_wave,
        "goal_p99_ms": GOAL_P99_MS,
        # None: too few page calls for a p99 (see ``MIN_CALLS_FOR_P99``).
        "goal_met": None
        if len(in_pages) < MIN_CALLS_FOR_P99
        else percentile(in_pages, 0.99) < GOAL_P99_MS,
        "time_factor": time_factor,
        "talk_s": talk_s,
        # The server side's CPU (app, dialer, simulator; the HTTP desks have their own)
        # over the measured run, per pop: comparable between runs on a shared machine.
        "process_cpu_s": round(cpu_s, 1),
        # A backlog of call events waiting for the one that stores them, if any (known
        # only when the dialer runs in this process: the embedded layout).
        "ami_event_lag_mean_ms": lag_mean_ms,
        "cpu_ms_per_pop": round(cpu_s * 1000 / pops, 1) if pops else None,
        **figures_load,
    }


def lag_of(histogram: Any) -> tuple[float, float]:
    """(sum of seconds, count) so far of the AMI event lag histogram."""
    samples = {s.name: s.value for s in histogram.collect()[0].samples}
    return samples["dialer_ami_event_lag_seconds_sum"], samples[
        "dialer_ami_event_lag_seconds_count"
    ]


def _campaign_id(engine: Any) -> int:
    from sqlmodel import select

    from dialer.campaigns.models import Campaign

    with Session(engine) as db:
        found = db.exec(select(Campaign.id).where(Campaign.code == "BENCH")).one()
        return int(found or 0)
