"""The faults a day can suffer, each a loop striking every few simulated minutes."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from proving.day.clock import SimClock
from proving.day.options import DayOptions, Fault
from proving.day.receiver import FundReceiver
from proving.day.services import WorkerProcess
from proving.day.worker_main import DEAD_SECONDS
from telephony.sim import PbxSimulator

log = logging.getLogger(__name__)
# A slow PBX stays slow at any speed-up: at least a millisecond per action.
MIN_REAL_DELAY_S = 0.001
# How long (real seconds) the live-call killer waits for a bridged call before striking anyway.
LIVE_CALL_BOUND_S = 20.0
POLL_S = 0.1
# Whether a worker (by id) has a call bridged to an agent right now.
LiveCalls = Callable[[str], bool]


@dataclass
class FaultLog:
    """How many times each fault struck."""

    struck: Counter[str] = field(default_factory=Counter)
    killed_during_a_call: int = 0  # worker-kill-live strikes that found a bridged call


async def _every(clock: SimClock, minutes: float, strike: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(clock.real_seconds(minutes * 60))
        result = strike()
        if asyncio.iscoroutine(result):
            await result


def start_faults(options: DayOptions, clock: SimClock, sim: PbxSimulator,
                 receiver: FundReceiver, workers: list[WorkerProcess],
                 faults: FaultLog, live: LiveCalls) -> list[asyncio.Task[None]]:  # fmt: skip
    """Switch the standing faults on and start the periodic ones; the tasks to cancel."""
    plan = options.plan
    tasks: list[asyncio.Task[None]] = []

    def count(name: Fault, action: Callable[[], object]) -> Callable[[], object]:
        def strike() -> object:
            faults.struck[name.value] += 1
            log.info("fault %s", name.value)
            return action()

        return strike

    if options.has(Fault.SLOW_PBX):
        sim.faults.response_delay_s = max(MIN_REAL_DELAY_S, clock.real_seconds(plan.pbx_delay_s))
        faults.struck[Fault.SLOW_PBX.value] += 1
    if options.has(Fault.AMI_DROP):
        drop = count(Fault.AMI_DROP, sim.faults.drop_connections)
        tasks.append(asyncio.create_task(_every(clock, plan.ami_drop_every_min, drop)))
    if options.has(Fault.RECEIVER_FLAKY):
        receiver.failure_rate = plan.receiver_failure_rate
        restart = count(Fault.RECEIVER_FLAKY, lambda: asyncio.to_thread(receiver.restart))
        tasks.append(asyncio.create_task(_every(clock, plan.receiver_restart_every_min, restart)))
    if workers and options.has(Fault.WORKER_KILL):
        first = workers[0]
        kill = count(Fault.WORKER_KILL, lambda: asyncio.to_thread(_kill_and_restart, first))
        tasks.append(asyncio.create_task(_every(clock, plan.worker_kill_every_min, kill)))
    killing: asyncio.Task[None] | None = None
    if len(workers) > 1 and options.has(Fault.WORKER_KILL_LIVE):
        strike = count(Fault.WORKER_KILL_LIVE, lambda: _kill_live(workers[1], live, faults))
        killing = asyncio.create_task(_once(clock, plan.kill_live_after_min, strike))
        tasks.append(killing)
    if len(workers) > 1 and options.has(Fault.WORKER_STOP):
        stop = count(Fault.WORKER_STOP, lambda: _stop_for_good(workers[1]))
        tasks.append(asyncio.create_task(_once(clock, plan.worker_stop_after_min, stop, killing)))
    return tasks


async def _once(clock: SimClock, minutes: float, strike: Callable[[], object],
                after: asyncio.Task[None] | None = None) -> None:  # fmt: skip
    # At ``minutes`` into the day by its clock, not after this task began: starting the
    # worker processes can eat most of a fast-forwarded day on a loaded machine, and a
    # strike pushed past the end of the day never happens. A late day keeps the faults'
    # order: the second worker is stopped for good only once its live-call kill is over.
    if after is not None:
        await asyncio.wait({after})
    left = minutes * 60 - clock.simulated_seconds()
    await asyncio.sleep(max(0.0, clock.real_seconds(left)))
    result = strike()
    if asyncio.iscoroutine(result):
        await result


def _kill_and_restart(worker: WorkerProcess) -> None:
    worker.kill()
    worker.start()


async def _kill_live(worker: WorkerProcess, live: LiveCalls, faults: FaultLog) -> None:
    """SIGKILL while an agent talks on one of its calls; back only once taken over."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVE_CALL_BOUND_S
    found = False
    while loop.time() < deadline and not (found := await asyncio.to_thread(live, worker.name)):
        await asyncio.sleep(POLL_S)
    await asyncio.to_thread(worker.kill)
    faults.killed_during_a_call += found
    # Dead for longer than the bound, so the other worker's sweep takes its calls over
    # (rather than its next life adopting them), then restarted as an operator would.
    await asyncio.sleep(2 * DEAD_SECONDS)
    await asyncio.to_thread(worker.start)


async def _stop_for_good(worker: WorkerProcess) -> None:
    """SIGTERM, never restarted: the other worker carries the rest of the day."""
    while not worker.ready:  # still down after a kill: stop it once it is back
        await asyncio.sleep(POLL_S)
    await asyncio.to_thread(worker.stop)


def calm_down(sim: PbxSimulator | None, receiver: FundReceiver) -> None:
    """End of day: the standing faults stop, so what was delayed can be delivered."""
    if sim is not None:
        sim.faults.response_delay_s = 0.0
    receiver.failure_rate = 0.0
