"""One dialer worker process for the scale and crash tests.

``python -m tests.dialer.scale.worker_main --database-url URL --worker-id ID
--dial-log PATH`` builds a ``DialerService`` as ``dialer serve`` would (its own
embedded PBX simulator on ``--port``, the real loop and wave scheduler),
prints ``ready`` once started, and stops cleanly on SIGTERM. SIGKILL is what the
crash test uses to leave its calls in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from dialer.core.crypto import DataCipher, KeyRing
from dialer.core.db import make_engine
from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService, serve_until_signalled
from dialer.operations.embedded import embedded_pbx
from telephony.sim import PopulationModel, SimulatorConfig


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--dial-log", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-factor", type=float, default=0.01)
    parser.add_argument("--busy", type=float, default=0.0)
    parser.add_argument("--no-answer", type=float, default=0.0)
    parser.add_argument("--congestion", type=float, default=0.0)
    parser.add_argument("--invalid", type=float, default=0.0)
    return parser.parse_args()


def _service(args: argparse.Namespace) -> DialerService:
    settings = Settings(
        database_url=args.database_url,
        ami_url=f"ami://dialer:dialer-secret@127.0.0.1:{args.port}",
        embedded_pbx=True,
        worker_id=args.worker_id,
        trunk_max_cps=500.0,
        ami_action_timeout_s=10.0,
    )
    runtime = Runtime(settings, make_engine(args.database_url), DataCipher(KeyRing.generate()))
    population = PopulationModel(
        busy=args.busy,
        no_answer=args.no_answer,
        congestion=args.congestion,
        invalid=args.invalid,
        machine=0.0,
    )
    sim = SimulatorConfig(
        time_factor=args.time_factor,
        seed=args.seed,
        population=population,
        dial_log_path=args.dial_log,
    )
    return DialerService(runtime, pbx=embedded_pbx(runtime.settings, sim), tick_seconds=0.05)


async def _run(args: argparse.Namespace) -> None:
    await serve_until_signalled(_service(args), lambda: print("ready", flush=True))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_run(_arguments()))
