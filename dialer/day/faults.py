"""The faults a day can suffer, each a loop striking every few simulated minutes."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from dialer.day.clock import SimClock
from dialer.day.options import DayOptions, Fault
from dialer.day.receiver import FundReceiver
from dialer.day.services import WorkerProcess
from telephony.sim import PbxSimulator

log = logging.getLogger(__name__)
# A slow PBX stays slow at any speed-up: at least a millisecond per action.
MIN_REAL_DELAY_S = 0.001


@dataclass
class FaultLog:
    """How many times each fault struck."""

    struck: Counter[str] = field(default_factory=Counter)


async def _every(clock: SimClock, minutes: float, strike: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(clock.real_seconds(minutes * 60))
        result = strike()
        if asyncio.iscoroutine(result):
            await result


def start_faults(options: DayOptions, clock: SimClock, sim: PbxSimulator,
                 receiver: FundReceiver, worker: WorkerProcess | None,
                 faults: FaultLog) -> list[asyncio.Task[None]]:  # fmt: skip
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
    if worker is not None and options.has(Fault.WORKER_KILL):
        kill = count(Fault.WORKER_KILL, lambda: asyncio.to_thread(_kill_and_restart, worker))
        tasks.append(asyncio.create_task(_every(clock, plan.worker_kill_every_min, kill)))
    return tasks


def _kill_and_restart(worker: WorkerProcess) -> None:
    worker.kill()
    worker.start()


def calm_down(sim: PbxSimulator | None, receiver: FundReceiver) -> None:
    """End of day: the standing faults stop, so what was delayed can be delivered."""
    if sim is not None:
        sim.faults.response_delay_s = 0.0
    receiver.failure_rate = 0.0
