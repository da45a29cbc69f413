"""Soak: a whole simulated campaign day through the real dialer, on PostgreSQL.

One campaign, N agents (200 by default) and enough people for the day, in a schema of
its own; the real ``DialerService`` (pacing loop, AMI adapter, recorder, wrap-ups)
dials through the PBX simulator over TCP. The simulator runs in a process of its own
(the PBX is another machine in production), so the memory and event-loop figures are
the dialer's alone. Simulated time runs ``480 / --minutes`` times faster than the wall
clock for the dialer (its ``clock=``) and the PBX (its ``time_factor``) alike, so 8
simulated hours take ``--minutes`` wall minutes.
Simulated agents take each call the screen-pop bus hands them and record an outcome
through ``dialer.engine.calling.outcomes.record_outcome`` when it ends.

Printed: resident memory (start, after the first simulated hour, end; goal: growth
under 10 % over the day), event-loop lag p50/p99/max (a task sleeping 10 ms in a loop;
goal: p99 under 20 ms), database connections held (pg_stat_activity for the run's
application_name, and the pool's checked-out count), calls per second sustained, and
agent occupancy (talk time over logged-in time: whether the dialer kept up).

    .venv/bin/python -m bench.soak                          # 200 agents, 8 h in 30 min
    .venv/bin/python -m bench.soak --agents 50 --minutes 4  # shorter
    .venv/bin/python -m bench.soak --json                   # one JSON object

Needs PostgreSQL: ``DIALER_BENCH_DATABASE_URL`` or postgresql+psycopg://postgres@127.0.0.1/test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

import dialer.operations.schema  # noqa: F401  (registers every table)
from bench.soak_world import seed_world
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher, KeyRing
from dialer.core.db import make_engine, session_scope
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.calling.events import CALL_ENDED, DIALLING
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.service import DialerService
from telephony.sim import PbxSimulator, PopulationModel, SimulatorConfig

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
APPLICATION = "dialer-soak"
DAY_HOURS = 8.0
LAG_SLEEP_S = 0.010
# Close to a real outbound day: 60 % answer, calls of 2.5 minutes on average, no
# answering machines (the campaign runs no AMD).
POPULATION = PopulationModel(
    busy=0.08, no_answer=0.25, congestion=0.01, invalid=0.03, machine=0.0,
    ring_mean_s=8.0, talk_mean_s=150.0, talk_min_s=10.0, talk_max_s=900.0,
)  # fmt: skip


@dataclass(frozen=True)
class SimClock:
    """Simulated now: ``speedup`` simulated seconds per wall second from ``start``."""

    start: datetime
    epoch: float
    speedup: float

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.epoch) * self.speedup)

    def simulated_hours(self) -> float:
        return (time.monotonic() - self.epoch) * self.speedup / 3600


@dataclass
class Figures:
    agents: int
    simulated_hours: float
    wall_s: float = 0.0
    speedup: float = 0.0
    contacts: int = 0
    attempts: int = 0
    answered: int = 0
    abandoned: int = 0
    outcomes: int = 0
    calls_per_s: float = 0.0
    answered_per_agent_hour: float = 0.0
    occupancy: float = 0.0
    rss_start_mb: float = 0.0
    rss_warm_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_growth_pct: float = 0.0
    rss_growth_after_warm_pct: float = 0.0
    loop_lag_p50_ms: float = 0.0
    loop_lag_p99_ms: float = 0.0
    loop_lag_max_ms: float = 0.0
    db_connections_max: int = 0
    db_connections_mean: float = 0.0
    pool_checked_out_max: int = 0
    outcome_errors: int = 0
    goals: dict[str, bool] = field(default_factory=dict)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the simulated people at the desk -------------------------------------------------
@dataclass
class Desk:
    """Every agent's desk: takes each popped call, records its outcome when it ends."""

    engine: Engine
    service: DialerService
    clock: Callable[[], datetime]
    recorded: int = 0
    errors: int = 0

    async def agent(self, user_id: int) -> None:
        subscription = self.service.bus.open(user_id)
        popped: set[int] = set()
        try:
            while True:
                event = await subscription.next()
                attempt_id = int(event["attempt_id"])
                if event["kind"] == DIALLING:
                    continue  # the phone rings: nothing to do at the desk yet
                if event["kind"] != CALL_ENDED:
                    popped.add(attempt_id)
                elif attempt_id in popped:
                    popped.discard(attempt_id)
                    await asyncio.to_thread(self._record, attempt_id, user_id)
        finally:
            subscription.close()

    def _record(self, attempt_id: int, user_id: int) -> None:
        form = _form_for(attempt_id)
        try:
            with session_scope(self.engine) as session:
                record_outcome(session, attempt_id, user_id, form, now=self.clock())
            self.recorded += 1
        except ValueError:
            self.errors += 1


def _form_for(attempt_id: int) -> OutcomeInput:
    if attempt_id % 4 == 0:
        return OutcomeInput(interview="refused")
    offer = "accepted" if attempt_id % 4 != 3 else "refused"
    return OutcomeInput(interview="accepted", offer=offer)


# -- probes -------------------------------------------------------------------------
class LagHistogram:
    """Event-loop lags in 0.1 ms buckets: exact enough percentiles in constant memory.

    A list of every sample would grow by megabytes over a day and be counted in the
    very memory growth the soak measures.
    """

    BUCKET_MS = 0.1
    BUCKETS = 20_000  # up to 2 s; longer lags land in the last bucket

    def __init__(self) -> None:
        self.counts = [0] * self.BUCKETS
        self.total = 0
        self.max_ms = 0.0

    def add(self, lag_ms: float) -> None:
        index = min(self.BUCKETS - 1, int(lag_ms / self.BUCKET_MS))
        self.counts[index] += 1
        self.total += 1
        self.max_ms = max(self.max_ms, lag_ms)

    def percentile(self, pct: float) -> float:
        rank = pct / 100 * self.total
        seen = 0
        for index, count in enumerate(self.counts):
            seen += count
            if count and seen >= rank:
                return (index + 1) * self.BUCKET_MS
        return 0.0


@dataclass
class Probes:
    lags: LagHistogram = field(default_factory=LagHistogram)
    connections: list[int] = field(default_factory=list)
    checked_out: list[int] = field(default_factory=list)

    async def loop_lag(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_SLEEP_S)
            lag_s = max(0.0, time.perf_counter() - before - LAG_SLEEP_S)
            self.lags.add(lag_s * 1000)

    async def database(self, admin: Engine, dialer_engine: Engine) -> None:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app")
        while True:
            with admin.connect() as conn:
                held = int(conn.execute(query, {"app": APPLICATION}).scalar_one())
            self.connections.append(held)
            self.checked_out.append(dialer_engine.pool.checkedout())  # type: ignore[attr-defined]
            await asyncio.sleep(1.0)


# -- the run --------------------------------------------------------------------------
def _engine_for(base_url: str, schema: str) -> Engine:
    separator = "&" if "?" in base_url else "?"
    options = f"options=-csearch_path%3D{schema}&application_name={APPLICATION}"
    return make_engine(f"{base_url}{separator}{options}")


def _serve_pbx(port: int, time_factor: float, ready: Any, stop: Any) -> None:
    """The PBX simulator's process: the PBX is another machine in production, so its
    memory and CPU must not be counted as the dialer's."""

    async def serve() -> None:
        config = SimulatorConfig(time_factor=time_factor, seed=11, population=POPULATION)
        sim = PbxSimulator(config)
        await sim.start("127.0.0.1", port)
        ready.set()
        while not stop.is_set():
            sim.dial_log.clear()  # kept in memory for tests; not needed here
            await asyncio.sleep(0.5)
        await sim.stop()

    asyncio.run(serve())


def start_pbx(port: int, time_factor: float) -> tuple[Any, Any]:
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    process = context.Process(target=_serve_pbx, args=(port, time_factor, ready, stop))
    process.start()
    if not ready.wait(60):
        process.kill()
        raise RuntimeError("the PBX simulator did not start")
    return process, stop


def _service(engine: Engine, clock: SimClock, tick_s: float, ami_port: int) -> DialerService:
    settings = Settings(
        database_url=str(engine.url),
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{ami_port}",
        embedded_pbx=False,
        worker_id="soak",
        trunk_max_cps=1000.0,
        feed_push=False,
        demo_data=False,
    )
    runtime = Runtime(settings, engine, DataCipher(KeyRing.generate()))
    return DialerService(runtime, clock=clock, tick_seconds=tick_s)


async def run_day(engine: Engine, admin: Engine, args: argparse.Namespace) -> Figures:
    figures = Figures(agents=args.agents, simulated_hours=DAY_HOURS)
    speedup = DAY_HOURS * 60 / args.minutes
    start = utcnow().replace(hour=7, minute=0, second=0, microsecond=0)
    world = await asyncio.to_thread(seed_world, engine, args.agents, start)
    figures.contacts, figures.speedup = world.contacts, speedup
    ami_port = free_port()
    pbx, stop_pbx = start_pbx(ami_port, 1 / speedup)
    clock = SimClock(start, time.monotonic(), speedup)
    service = _service(engine, clock, args.tick, ami_port)
    desk = Desk(engine, service, clock)
    probes = Probes()
    await service.start()
    figures.rss_start_mb = rss_mb()
    tasks = [asyncio.create_task(desk.agent(agent)) for agent in world.agents]
    tasks += [asyncio.create_task(probes.loop_lag())]
    tasks += [asyncio.create_task(probes.database(admin, engine))]
    wall0 = time.monotonic()
    try:
        await _until(clock, 1.0)
        figures.rss_warm_mb = rss_mb()
        await _until(clock, DAY_HOURS)
    finally:
        figures.wall_s = time.monotonic() - wall0
        figures.rss_end_mb = rss_mb()
        await service.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stop_pbx.set()
        pbx.join(30)
    figures.outcome_errors = desk.errors
    _count(engine, figures, start, clock())
    _summarise(figures, probes)
    return figures


async def _until(clock: SimClock, hours: float) -> None:
    while clock.simulated_hours() < hours:
        await asyncio.sleep(0.2)


def _count(engine: Engine, figures: Figures, start: datetime, end: datetime) -> None:
    with Session(engine) as session:
        rows = session.exec(
            select(CallAttempt.result, func.count()).group_by(col(CallAttempt.result))
        ).all()
        by_result = {str(result): int(count) for result, count in rows}
        figures.outcomes = int(session.exec(select(func.count()).select_from(Outcome)).one())
        talk = session.exec(
            select(CallAttempt.connected_at, CallAttempt.ended_at).where(
                col(CallAttempt.connected_at).is_not(None)
            )
        ).all()
    figures.attempts = sum(by_result.values())
    figures.answered = by_result.get("answered", 0)
    figures.abandoned = by_result.get("abandoned", 0)
    talked = sum((e - c).total_seconds() for c, e in talk if c is not None and e is not None)
    day_s = (end - start).total_seconds()
    figures.occupancy = talked / (figures.agents * day_s) if day_s else 0.0


def _summarise(figures: Figures, probes: Probes) -> None:
    figures.calls_per_s = figures.attempts / figures.wall_s if figures.wall_s else 0.0
    figures.answered_per_agent_hour = figures.answered / (figures.agents * DAY_HOURS)
    figures.loop_lag_p50_ms = probes.lags.percentile(50)
    figures.loop_lag_p99_ms = probes.lags.percentile(99)
    figures.loop_lag_max_ms = probes.lags.max_ms
    figures.db_connections_max = max(probes.connections, default=0)
    figures.db_connections_mean = statistics.fmean(probes.connections or [0])
    figures.pool_checked_out_max = max(probes.checked_out, default=0)
    start = figures.rss_start_mb or 1.0
    figures.rss_growth_pct = 100 * (figures.rss_end_mb - start) / start
    warm = figures.rss_warm_mb or 1.0
    figures.rss_growth_after_warm_pct = 100 * (figures.rss_end_mb - warm) / warm
    figures.goals = {
        "rss_growth_under_10pct": figures.rss_growth_pct < 10,
        "loop_lag_p99_under_20ms": figures.loop_lag_p99_ms < 20,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=30.0, help="wall minutes for 8 h")
    parser.add_argument("--tick", type=float, default=0.1, help="dialer tick, wall seconds")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    base_url = os.environ.get("DIALER_BENCH_DATABASE_URL", DEFAULT_URL)
    schema = f"soak_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = _engine_for(base_url, schema)
    try:
        SQLModel.metadata.create_all(engine)
        figures = asyncio.run(run_day(engine, admin, args))
    finally:
        engine.dispose()
        if not args.keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    _print(figures, args.json)


def _print(figures: Figures, as_json: bool) -> None:
    data: dict[str, Any] = asdict(figures)
    if as_json:
        print(json.dumps(data))
        return
    for key, value in data.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key:>28}  {shown}")


if __name__ == "__main__":
    main()
