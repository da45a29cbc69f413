"""A second web process of the day (PostgreSQL): the same app, another process.

``python -m proving.day.web_main --database-url URL --ami-port N --key-file F
--clock-start ISO --clock-epoch S --time-factor F --port P`` serves the desk and
the pages on ``P`` without a dialer, on the day's simulated clock. Agents signed
in here hear of their calls through PostgreSQL's LISTEN/NOTIFY, as behind a load
balancer. The session key comes in ``DIALER_SECRET_KEY``, never on the command
line. It prints ``ready`` once it listens and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from proving.day.services import start_web_app
from proving.day.worker_main import clock_arguments, day_settings, read_clock


async def _run(args: argparse.Namespace) -> None:
    clock = read_clock(args)
    settings = day_settings(args.database_url, args.ami_port, Path(args.key_file))
    web = await start_web_app(settings, clock, run_dialer=False, tick_seconds=0.05,
                              port=args.port)  # fmt: skip
    print("ready", flush=True)
    await web.task


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = clock_arguments()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(_run(parser.parse_args()))
