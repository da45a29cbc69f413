"""The day's dialer worker as its own process (the worker-kill fault needs one to kill).

``python -m proving.day.worker_main --database-url URL --ami-port N --key-file F
--clock-start ISO --clock-epoch S --time-factor F`` runs a ``DialerService``
against the day's PBX (not embedded: the PBX outlives the worker, as a real
Asterisk would), on the day's simulated clock, feed push off. It prints
``ready`` once started and stops cleanly on SIGTERM; SIGKILL leaves its calls
in flight for the next life's ``close_orphans``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime
from pathlib import Path

from dialer.core.runtime import build_runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService, serve_until_signalled
from proving.day.clock import SimClock

WORKER_ID = "day-worker"
# A killed worker is dead after this many real seconds (liveness runs on the wall
# clock): short, so the other worker takes over within a short simulated day.
DEAD_SECONDS = 5.0


def day_settings(
    database_url: str, ami_port: int, key_file: Path, *, ami_login: str = "dialer:dialer-secret",
    worker_id: str = WORKER_ID, **extra: object,
) -> Settings:  # fmt: skip
    """The settings every process of the day shares."""
    return Settings(
        database_url=database_url,
        ami_url=f"ami://{ami_login}@127.0.0.1:{ami_port}",
        embedded_pbx=False,
        worker_id=worker_id,
        worker_dead_seconds=DEAD_SECONDS,
        trunk_max_cps=200.0,
        ami_action_timeout_s=10.0,
        data_key_file=key_file,
        feed_push=False,
        demo_data=False,
        **extra,  # type: ignore[arg-type]
    )


def clock_arguments() -> argparse.ArgumentParser:
    """The arguments every child process of the day takes: the database, the PBX, the clock."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--ami-port", type=int, required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--clock-start", required=True)
    parser.add_argument("--clock-epoch", type=float, required=True)
    parser.add_argument("--time-factor", type=float, required=True)
    return parser


def read_clock(args: argparse.Namespace) -> SimClock:
    return SimClock(datetime.fromisoformat(args.clock_start), args.clock_epoch, args.time_factor)


def _arguments() -> argparse.Namespace:
    parser = clock_arguments()
    parser.add_argument("--tick-seconds", type=float, default=0.05)
    parser.add_argument("--worker-id", default=WORKER_ID)
    return parser.parse_args()


async def _run(args: argparse.Namespace) -> None:
    clock = read_clock(args)
    settings = day_settings(args.database_url, args.ami_port, Path(args.key_file),
                            worker_id=args.worker_id)  # fmt: skip
    runtime = build_runtime(settings, create_keys=False)
    service = DialerService(runtime, clock=clock, tick_seconds=args.tick_seconds)
    await serve_until_signalled(service, lambda: print("ready", flush=True))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_run(_arguments()))
