"""The dialing service: PBX (embedded simulator or real Asterisk), AMI adapter, dialer loop.

The web app's lifespan starts it and stops it; ``dialer serve`` does the same. In
the embedded default the composition root hands it a PBX of its own (the simulator,
``dialer.operations.embedded``), started here on the AMI URL's host and port (port 0 picks a
free one, which the adapter then uses).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlmodel import col

from dialer.accounts.models import AgentPresence
from dialer.campaigns.waves.scheduler import WaveScheduler
from dialer.compliance.feed.runner import FeedDelivery
from dialer.compliance.privacy.scheduling import schedule_checkpoints, schedule_retention
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.core.heap import start_up_heap_frozen
from dialer.core.runtime import Runtime
from dialer.core.thread_switching import quick_thread_switches
from dialer.engine.callcontrol.remote import perform
from dialer.engine.callcontrol.steering import AmiSteering, Line
from dialer.engine.calling import liveness, presence
from dialer.engine.calling.bridge import RelayBus, bridge_for
from dialer.engine.calling.commands import (
    DIAL_PREVIEW,
    HANGUP,
    STEER,
    Command,
    command_listener_for,
)
from dialer.engine.calling.control import (
    PBX_FAILED_FR,
    CallControlRefused,
    Refusal,
    no_dialer,
    not_live,
    not_sent,
)
from dialer.engine.calling.desk_events import BusDeskNotifier
from dialer.engine.calling.dialing import DialConfig
from dialer.engine.calling.early_pop import Announcing, EarlyPop
from dialer.engine.calling.events import ScreenPopBus
from dialer.engine.calling.orphans import Orphan, adopt_orphans, orphans_of
from dialer.engine.calling.preview import PreviewError, release_previews
from dialer.engine.calling.recorder import CallRecorder, RecordedUpdate
from dialer.engine.calling.routing import CallEvents, call_routes
from dialer.engine.calling.worker import DialerWorker, TickReport
from dialer.engine.reports.rollup import schedule_rollup
from telephony.ami.client import AmiClient
from telephony.ami.connection import ConnectionSettings
from telephony.ami.errors import AmiError
from telephony.ami.frames import AgentTemplate, DialTemplate
from telephony.ami.updates import CallUpdate

log = logging.getLogger(__name__)

DEFAULT_TICK_SECONDS = 0.5


def epoch_seconds(clock: Callable[[], datetime]) -> Callable[[], float]:
    """The dialer's clock as the AMI adapter reads it: a call's times are stamped on it,
    so its durations feed the pacing in the same time as everything else (a simulated
    day runs faster than the wall clock)."""
    return lambda: clock().replace(tzinfo=UTC).timestamp()


class LocalPbx(Protocol):
    """A PBX this process runs itself (the embedded default's simulator)."""

    port: int

    async def start(self, host: str, port: int) -> None: ...

    async def stop(self) -> None: ...


class DialerService:
    def __init__(
        self,
        runtime: Runtime,
        *,
        clock: Callable[[], datetime] = utcnow,
        pbx: LocalPbx | None = None,
        bus: ScreenPopBus | None = None,
        tick_seconds: float = DEFAULT_TICK_SECONDS,
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.bus = bus or ScreenPopBus()
        self.tick_seconds = tick_seconds
        self.sim = pbx
        # On PostgreSQL the screen pops also reach web apps in other processes.
        self.bridge = bridge_for(runtime.engine, self.bus)
        outbound = RelayBus(self.bus, self.bridge) if self.bridge is not None else self.bus
        self.desk = BusDeskNotifier(outbound)
        self.recorder = CallRecorder(runtime.engine, clock, on_result=runtime.metrics.call_ended)
        # The AMI adapter is built before the loop it feeds: the service stands in for it.
        announcing = (
            Announcing(self.bridge.target(), BusDeskNotifier(self.bus))
            if self.bridge is not None
            else None
        )
        self.early_pop = EarlyPop(runtime.engine, self.desk, announcing)
        self.events = CallEvents(self.recorder, call_routes(self, self.desk, self.early_pop))
        self.waves = WaveScheduler(runtime, clock=clock)
        # Only one process pushes each fund's feed (DIALER_FEED_PUSH on one worker).
        self.feed = FeedDelivery(runtime) if runtime.settings.feed_push else None
        self.client: AmiClient | None = None
        self.worker: DialerWorker | None = None
        # Hold, transfers, supervision on this worker's calls (the desk's or another process's).
        self.steering = AmiSteering(lambda: self.client)
        # The desks of web processes ask this worker to hang up or call its calls.
        self.commands = command_listener_for(
            runtime.engine, runtime.settings.worker_id, self.execute_desk_command
        )
        self._loop: asyncio.Task[None] | None = None

    async def start(self, *, run_loop: bool = True) -> None:
        """Start our own PBX (if any), log in to AMI and, unless told not to, the loop."""
        settings = self.runtime.settings
        endpoint = settings.ami
        if self.sim is not None:
            await self.sim.start(endpoint.host, endpoint.port)
            endpoint = dataclasses.replace(endpoint, port=self.sim.port)
        connection = ConnectionSettings(
            endpoint,
            action_timeout_s=settings.ami_action_timeout_s,
            ping_interval_s=settings.ami_ping_interval_s,
        )
        metrics = self.runtime.metrics
        self.client = AmiClient(
            connection,
            self.events,
            originate_rate=settings.trunk_max_cps,
            clock=epoch_seconds(self.clock),
            on_event_lag=metrics.ami_event,
            on_round_trip=metrics.ami_action,
            on_heard=self.early_pop.heard,
        )
        dial = DialConfig(
            dial=DialTemplate(settings.dial_template),
            worker_id=settings.worker_id,
            agent=AgentTemplate(settings.agent_template),
            context=settings.dial_context,
            exten=settings.dial_extension,
            lease_seconds=settings.lease_seconds,
            preview_hold_seconds=settings.preview_hold_seconds,
            dead_after_seconds=settings.worker_dead_seconds,
        )
        self.worker = DialerWorker(
            self.runtime.engine, self.client, self.recorder, self.desk, dial, self.clock
        )
        orphans = await asyncio.to_thread(self.come_back)
        adopt_orphans(self.client, self.worker, orphans, self.clock())
        # The login asks the PBX which of them are still up and closes the others.
        await self.client.start()
        await self.client.settle()
        if self.bridge is not None:
            self.bridge.start_sender()
        self.early_pop.start()
        if self.commands is not None:
            self.commands.start()
        if run_loop:
            self.waves.start()
            schedule_retention(self.waves.scheduler, self.runtime, jobstore="memory")
            schedule_checkpoints(self.waves.scheduler, self.runtime, jobstore="memory")
            schedule_rollup(self.waves.scheduler, self.runtime.engine, jobstore="memory")
            if self.feed is not None:
                self.feed.start()
            self._loop = asyncio.create_task(self._run(), name="dialer-loop")

    def come_back(self) -> list[Orphan]:
        """A new life: alive from now on, previews and idle agents given back, open calls listed.

        Previews placed no call: they are given back uncounted, as a skip would. The
        attempts an earlier life left open are adopted (``dialer.engine.calling.orphans``):
        kept while the PBX still has their call, else ended ``ended_while_disconnected``.
        """
        worker_id = self.runtime.settings.worker_id
        liveness.beat(self.runtime.engine, worker_id, utcnow(), starting=True)
        release_previews(self.runtime.engine, worker_id, self.clock(), only_expired=False)
        with session_scope(self.runtime.engine) as session:
            # Agents held by a tick that died before claiming their people: no call
            # will ever free them. Agents held for a call stay with it (adopted below).
            presence.release_held(
                session, worker_id, self.clock(), col(AgentPresence.attempt_id).is_(None)
            )
        template = AgentTemplate(self.runtime.settings.agent_template)
        return orphans_of(self.runtime.engine, worker_id, template)

    @property
    def pbx_connected(self) -> dict[str, bool]:
        """This worker's PBX, by worker id: whether AMI is logged in (readiness)."""
        connected = self.client is not None and self.client.connected
        return {self.runtime.settings.worker_id: connected}

    async def tick(self) -> TickReport:
        return await self._started_worker().tick()

    def _started_worker(self) -> DialerWorker:
        if self.worker is None:
            raise RuntimeError("le service de numérotation n'est pas démarré")
        return self.worker

    async def follow(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        """A stored update, for the loop (``dialer.engine.calling.routing``)."""
        await self._started_worker().follow(update, recorded)

    async def hand_over(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        """An answered predictive call, for the loop to give an agent."""
        await self._started_worker().hand_over(update, recorded)

    async def dial_preview(self, attempt_id: int, agent_user_id: int) -> bool:
        """The agent calls the record it previews (see ``DialerWorker.dial_preview``)."""
        return await self._started_worker().dial_preview(attempt_id, agent_user_id)

    async def skip_preview(self, attempt_id: int, agent_user_id: int) -> None:
        """The agent passes the record it previews, uncounted (``engine.calling.preview``)."""
        await self._started_worker().skip_preview(attempt_id, agent_user_id)

    @property
    def worker_id(self) -> str:
        return self.runtime.settings.worker_id

    def channel_of(self, attempt_id: int) -> str | None:
        """The PBX channel of a call this worker placed and still tracks."""
        if self.client is None:
            return None
        tracker = self.client.tracker
        for channel in tracker.open_channel_ids():
            tracked = tracker.get(channel)
            if tracked is not None and tracked.attempt_id == str(attempt_id):
                return channel
        return None

    async def hang_up_call(self, attempt_id: int, channel_id: str | None = None) -> None:
        """Hang up a call of this worker, on its stored channel if the desk knows it.

        ``CallControlRefused`` when it is no longer on the line or the PBX refuses.
        """
        channel = channel_id or self.channel_of(attempt_id)
        if channel is None or self.client is None:
            raise not_live()
        try:
            await self.client.hangup(channel)
        except AmiError as error:
            log.warning("hang-up of attempt %s failed: %s", attempt_id, error)
            raise CallControlRefused(Refusal.PBX_FAILED, PBX_FAILED_FR) from None

    async def call_preview(self, attempt_id: int, agent_user_id: int) -> None:
        """The agent calls its preview now; ``CallControlRefused`` when it cannot be."""
        if self.worker is None:
            raise no_dialer()
        try:
            sent = await self.worker.dial_preview(attempt_id, agent_user_id)
        except PreviewError as error:
            raise CallControlRefused(Refusal.PREVIEW, str(error)) from None
        if not sent:
            raise not_sent()

    async def execute_desk_command(self, command: Command) -> None:
        """A desk's command from another process, run as the in-process control runs it."""
        if command.action == HANGUP:
            await self.hang_up_call(command.attempt_id)
        elif command.action == DIAL_PREVIEW:
            await self.call_preview(command.attempt_id, command.agent_user_id)
        elif command.action == STEER:
            channel = self.channel_of(command.attempt_id)
            if channel is None:
                raise not_live()
            line = Line(command.attempt_id, self.runtime.settings.worker_id, channel)
            await perform(self.steering, line, command.params)
        else:
            raise not_live()

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                # One bad tick (a database hiccup) must not stop the dialling for good.
                log.exception("dialer tick failed")
            await asyncio.sleep(self.tick_seconds)

    async def drain(self, bound_s: float) -> int:
        """Place no new call and wait (at most ``bound_s``) for the live ones to end.

        The loop keeps running meanwhile: answered calls still get their agents and
        wrap-ups still end. Returns how many calls were still live at the end; their
        results are closed by this worker's next start (``close_orphans``).
        """
        worker = self.worker
        if worker is None or self._loop is None:
            return 0
        worker.draining = True
        await worker.finish_tick()
        deadline = asyncio.get_running_loop().time() + bound_s
        while worker.live_calls and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        if worker.live_calls:
            log.warning("stopping with %s call(s) still live", worker.live_calls)
        return worker.live_calls

    async def stop(self) -> None:
        await self.drain(self.runtime.settings.stop_drain_seconds)
        if self.commands is not None:
            await self.commands.close()
        if self.feed is not None:
            await self.feed.stop()
        self.waves.shutdown()
        if self.bridge is not None:
            await self.bridge.close()
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self.client is not None:
            await self.client.close()
        self.events.close()
        self.early_pop.close()
        if self.sim is not None:
            await self.sim.stop()


async def serve_until_signalled(
    service: DialerService, on_ready: Callable[[], None] | None = None
) -> None:
    """Run ``service`` until SIGTERM or SIGINT, then stop it cleanly (worker processes)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await service.start()
        if on_ready is not None:
            on_ready()
        with start_up_heap_frozen(), quick_thread_switches():
            await stop.wait()
    finally:
        await service.stop()
