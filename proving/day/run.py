"""One whole campaign day, end to end, then its summary and the independent check."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlmodel import col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign
from dialer.campaigns.waves import finish_wave, start_wave
from dialer.compliance.feed.delivery import redeliver
from dialer.compliance.feed.runner import FeedDelivery
from dialer.compliance.feed.webhooks import set_webhook
from dialer.core.db import session_scope
from dialer.core.runtime import Runtime, build_runtime
from proving.day.agents import AgentContext, DeskAgent, DeskTally
from proving.day.clock import SimClock, day_start, next_working_day
from proving.day.drain import calls_settled, feed_size, settle, until
from proving.day.faults import FaultLog, calm_down, start_faults
from proving.day.options import NEEDS_POSTGRES, DayOptions
from proving.day.real_pbx import PbxAfterDay, RealPbxSide, real_pbx_settings
from proving.day.receiver import FundReceiver
from proving.day.services import (
    WorkerProcess,
    free_port,
    start_web_app,
    web_process,
    worker_process,
)
from proving.day.summary import DayFacts, DaySummary, summarise
from proving.day.worker_main import day_settings
from proving.day.world import World, build_world, fresh_database_url, new_run_id
from telephony.sim import PbxSimulator, SimulatorConfig

# Bounds on settling after the day, in simulated minutes (at least a few real seconds).
DRAIN_MINUTES = 30.0
MIN_DRAIN_S = 15.0
FEED_DRAIN_S = 60.0
# Settled for this long (real seconds, many ticks): no tick begun before the end still dials.
STEADY_S = 1.0
# The dialer's real hand-over time must not read as simulated silence (see SimulatorConfig).
AGENT_WAIT_FLOOR_S = 0.25
PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKER_IDS = ("day-worker-1", "day-worker-2")
MIN_AGENTS_TO_SIGN_OUT = 4


@dataclass
class DayResult:
    summary: DaySummary
    campaign_ids: list[int]
    database_url: str
    dial_log: Path
    tally: DeskTally
    faults: dict[str, int]
    feed_events: int
    feed_received: int
    check_text: str = ""
    breaches: list[str] = field(default_factory=list)
    # Played against a real Asterisk: what the PBX and the agents' phones say after it.
    real_pbx: PbxAfterDay | None = None
    check_error: str | None = None
    killed_during_a_call: int = 0  # worker-kill-live strikes with a call bridged at the time

    @property
    def ok(self) -> bool:
        # An agent that stopped on an error means the day did not run as asked.
        return self.check_error is None and not self.breaches and not self.tally.failures


class WorkerKillNeedsPostgres(ValueError):
    pass


class FaultsNeedTheSimulator(ValueError):
    pass


class DayRun:
    def __init__(self, options: DayOptions) -> None:
        needs = sorted(options.faults & NEEDS_POSTGRES)
        if needs and not _is_postgres(options.database_url):
            raise WorkerKillNeedsPostgres(
                f"Les pannes {', '.join(needs)} demandent PostgreSQL (--database-url "
                "postgresql://…) : les fiches d'appel passent des processus de numérotation "
                "aux serveurs web par LISTEN/NOTIFY."
            )
        if options.pbx is not None and options.faults:
            raise FaultsNeedTheSimulator(
                "Les pannes se jouent sur le simulateur de PBX : retirez --faults pour une "
                "journée sur un Asterisk réel."
            )
        self.options = options
        self.run_id = new_run_id()
        self.folder = options.work_dir / self.run_id
        self.folder.mkdir(parents=True, exist_ok=True)
        self.dial_log = self.folder / "dial-log.jsonl"
        self.tally = DeskTally()
        self.fault_log = FaultLog()
        self.start = day_start(next_working_day(datetime.now(UTC).date()), options.start_hour)
        self.ami_port = free_port()
        url = fresh_database_url(options.database_url, options.work_dir, self.run_id)
        settings = day_settings(url, self.ami_port, self.folder / "keys.json",
                                secret_key=SecretStr(secrets.token_urlsafe(32)),
                                **real_pbx_settings(options.pbx))  # fmt: skip
        self.runtime: Runtime = build_runtime(settings)
        self.receiver = FundReceiver(seed=options.seed)

    async def run(self) -> DayResult:
        began = time.monotonic()
        world = await asyncio.to_thread(self._prepare)
        clock = SimClock(self.start, time.time(), self.options.time_factor)
        real = RealPbxSide(self.options.pbx, self.ami_port, self.dial_log, clock)
        sim = None if self.options.pbx else self._simulator(clock)
        if sim is not None:
            await sim.start("127.0.0.1", self.ami_port)
        else:
            await real.start()
        feed = FeedDelivery(self.runtime)
        feed.start()
        workers = await self._children(clock)
        try:
            web = await start_web_app(self.runtime.settings, clock, run_dialer=not workers,
                                      tick_seconds=self.options.tick_seconds)  # fmt: skip
            try:
                await self._day(world, clock, [web.url, *self._other_webs], sim, workers)
            finally:
                await web.stop()
        finally:
            for child in [*workers, *self._webs]:
                await asyncio.to_thread(child.stop)
            received = await self._deliver_feed(world)
            await feed.stop()
            self.receiver.stop()
            if sim is not None:
                await sim.stop()
            after = await real.stop()
        result = await self._result(world, clock, received, time.monotonic() - began)
        result.real_pbx = after
        return result

    def _simulator(self, clock: SimClock) -> PbxSimulator:
        return PbxSimulator(SimulatorConfig(time_factor=clock.time_factor, seed=self.options.seed,
                                            dial_log_path=self.dial_log, clock=clock,
                                            min_agent_wait_real_s=AGENT_WAIT_FLOOR_S))  # fmt: skip

    def _prepare(self) -> World:
        opts = self.options
        world = build_world(self.runtime, opts.people, opts.agents, opts.seed, self.start,
                            self.folder, bad_ratio=opts.bad_ratio,
                            opt_out_ratio=opts.opt_out_ratio, hours=opts.hours,
                            phones=opts.pbx.phones if opts.pbx else (),
                            pacing=opts.pacing)  # fmt: skip
        self.receiver.start()
        with session_scope(self.runtime.engine) as session:
            for fund_id in world.fund_ids:
                set_webhook(session, self.runtime.cipher, fund_id, self.receiver.url)
            for wave_id in world.wave_ids:
                start_wave(session, wave_id, self.start)
        return world

    async def _children(self, clock: SimClock) -> list[WorkerProcess]:
        """On PostgreSQL, as in production: two dialer workers and a second web process.

        The workers are returned; on SQLite (one writer) the web process dials itself.
        """
        self._webs: list[WorkerProcess] = []
        self._other_webs: list[str] = []
        if not _is_postgres(self.options.database_url) or self.options.pbx is not None:
            return []
        settings, tick = self.runtime.settings, self.options.tick_seconds
        workers = [
            worker_process(
                settings, self.ami_port, clock, tick, self.folder / f"{worker_id}.stderr", worker_id
            )  # fmt: skip
            for worker_id in WORKER_IDS
        ]
        port = free_port()
        self._webs = [web_process(settings, self.ami_port, clock,
                                  self.folder / "web-2.stderr", port)]  # fmt: skip
        # The first alone (it creates the scheduler's job table: two at once collided on
        # PostgreSQL's catalog), then the others side by side: one after the other, their
        # start-up ate half a short day's clock.
        children = [*workers, *self._webs]
        await asyncio.to_thread(children[0].start)
        started = await asyncio.gather(
            *(asyncio.to_thread(child.start) for child in children[1:]), return_exceptions=True
        )
        failed = [error for error in started if isinstance(error, BaseException)]
        if failed:
            for child in children:
                await asyncio.to_thread(child.stop)
            raise failed[0]
        self._other_webs = [f"http://127.0.0.1:{port}"]
        return workers

    def _has_live_call(self, worker_id: str) -> bool:
        with session_scope(self.runtime.engine) as session:
            found = session.exec(select(CallAttempt.id).where(
                CallAttempt.worker_id == worker_id, col(CallAttempt.result).is_(None),
                col(CallAttempt.connected_at).is_not(None))).first()  # fmt: skip
        return found is not None

    async def _day(self, world: World, clock: SimClock, urls: list[str],
                   sim: PbxSimulator | None, workers: list[WorkerProcess]) -> None:  # fmt: skip
        agents = self._agents(world, clock, urls)
        faults = (
            start_faults(
                self.options,
                clock,
                sim,
                self.receiver,
                workers,
                self.fault_log,
                self._has_live_call,
            )  # fmt: skip
            if sim is not None
            else []
        )
        try:
            await until(clock, self.start + timedelta(hours=self.options.hours))
            # One wave a transaction, as the scheduler's job does: holding one wave's lock
            # while waiting for the next one's, behind a worker storing a call, deadlocked.
            for wave_id in world.wave_ids:
                with session_scope(self.runtime.engine) as session:
                    finish_wave(session, wave_id, clock())
            for task in faults:
                task.cancel()
            calm_down(sim, self.receiver)
            bound = max(MIN_DRAIN_S, clock.real_seconds(DRAIN_MINUTES * 60))
            settled = calls_settled(self.runtime.engine, world.campaign_ids)
            await settle(settled, bound, steady_s=STEADY_S)
        finally:
            for task in [*faults, *agents]:
                task.cancel()
            ended = await asyncio.gather(*faults, *agents, return_exceptions=True)
            self.tally.failures += [repr(error) for error in ended if isinstance(error, Exception)]

    def _agents(self, world: World, clock: SimClock, urls: list[str]) -> list[asyncio.Task[None]]:
        with session_scope(self.runtime.engine) as session:
            campaign = session.get(Campaign, world.campaign_id)
            wrap_up = float(campaign.wrap_up_seconds) if campaign else 30.0
        context = AgentContext(urls, self.options.seed, clock, wrap_up, self.tally,
                               sign_out=self._sign_out(world))  # fmt: skip
        return [asyncio.create_task(DeskAgent(login, context).run()) for login in world.agents]

    def _sign_out(self, world: World) -> tuple[str, datetime] | None:
        """The last agent signs out at mid-day (with enough agents left to work on)."""
        if len(world.agents) < MIN_AGENTS_TO_SIGN_OUT:
            return None
        return world.agents[-1].username, self.start + timedelta(hours=self.options.hours / 2)

    async def _deliver_feed(self, world: World) -> int:
        # The fund's server is healthy again: as an operator would (``dialer feed
        # redeliver``), resume the stream now instead of waiting out its back-off.
        for fund_id in world.fund_ids:
            await asyncio.to_thread(self._resume_feed, fund_id)
        expected = await asyncio.to_thread(feed_size, self.runtime.engine, world.fund_ids)
        await settle(lambda: len(self.receiver.events) >= expected, FEED_DRAIN_S)
        return len(self.receiver.events)

    def _resume_feed(self, fund_id: int) -> None:
        with session_scope(self.runtime.engine) as session, contextlib.suppress(ValueError):
            redeliver(session, fund_id)

    async def _result(self, world: World, clock: SimClock, received: int,
                      real_s: float) -> DayResult:  # fmt: skip
        end, tally = clock(), self.tally
        facts = DayFacts(world.campaign_ids, world.wave_ids, world.file_rows, world.rejected,
                         world.imported, world.opted_out_by_fund, len(world.agents),
                         self.options.hours * 3600, real_s, clock.time_factor,
                         tally.stale_cookie_refused,
                         tally.stale_cookie_refused + tally.stale_cookie_answered)  # fmt: skip
        summary = await asyncio.to_thread(summarise, self.runtime.engine, facts, end)
        result = DayResult(
            summary, world.campaign_ids, self.runtime.settings.database_url, self.dial_log,
            self.tally, dict(self.fault_log.struck),
            await asyncio.to_thread(feed_size, self.runtime.engine, world.fund_ids), received,
        )  # fmt: skip
        result.killed_during_a_call = self.fault_log.killed_during_a_call
        await asyncio.to_thread(run_checker, result)
        self.runtime.engine.dispose()
        return result


def run_checker(result: DayResult) -> None:
    """The independent checker over the database and the PBX's dial log."""
    try:
        from checker import check_day
    except ModuleNotFoundError:
        _run_checker_process(result)
        return
    report = check_day(result.database_url, result.dial_log)
    result.check_text = report.render_fr()
    result.breaches = [f"{b.rule} — {b.subject} : {b.detail_fr}" for b in report.breaches]


def _run_checker_process(result: DayResult) -> None:
    """``python -m checker`` from the project folder, when the package is not installed."""
    if not (PROJECT_ROOT / "checker" / "__main__.py").exists():
        result.check_error = (
            "Le contrôleur indépendant (paquet checker) est introuvable : "
            "la journée ne peut pas être déclarée conforme."
        )
        return
    command = [sys.executable, "-m", "checker", result.database_url, str(result.dial_log)]
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    result.check_text = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        result.breaches = [f"le contrôleur a rendu le code {done.returncode}"]


def _is_postgres(url: str | None) -> bool:
    return url is not None and url.startswith("postgresql")


async def run_day(options: DayOptions) -> DayResult:
    return await DayRun(options).run()


__all__ = ["DayResult", "DayRun", "WorkerKillNeedsPostgres", "run_day"]
