"""The crowd bench's production layout: a web process and a dialer worker, apart.

``bench/screenpop.py --agents 200 --layout production --database-url …`` runs the floor
as docs/deploy.md installs it: PostgreSQL, a web process serving pages only
(``create_app`` without a dialer, as ``web.main:create_web_app``), and one dialer
worker process (``DialerService`` as ``dialer worker`` runs it) whose PBX is the
simulator, in a process of its own as the Asterisk box is a machine of its own. A
worker's screen pops reach the web process through PostgreSQL ``LISTEN/NOTIFY``, the
desk's hang-ups go back the same way: the path a 200-agent floor takes. The embedded
default (everything in one interpreter, SQLite) stays the bench's default layout.

    python -m bench.screenpop_processes pbx --database-url URL --folder DIR --port P
    python -m bench.screenpop_processes worker --database-url URL --folder DIR --port P
    python -m bench.screenpop_processes web --database-url URL --folder DIR --port P
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from dialer.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
START_BOUND_S = 60.0
STOP_BOUND_S = 30.0
READY_FILE = "worker.ready"


def layout_settings(database_url: str, folder: Path, secret_key: str) -> Settings:
    """The settings both processes share (the same key ring file, the same signing key)."""
    return Settings(
        database_url=database_url,
        data_key_file=folder / "keys.json",
        trail_checkpoint_file=folder / "trail-checkpoints.jsonl",
        secret_key=secret_key,
        demo_data=False,
        embedded_pbx=False,
    )


@dataclass
class Floor:
    url: str
    web: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    pbx: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User and system CPU of the web and worker processes so far (Linux /proc).

        The simulated PBX is left out: on a floor it is the Asterisk box's own CPU.
        """
        return sum(_process_cpu_s(p.pid) for p in (self.web, self.worker))


@contextmanager
def production_floor(database_url: str, folder: Path) -> Iterator[Floor]:
    """The worker, then the web process, started; both stopped (SIGTERM) on exit."""
    from tests.web.desk.live_server import free_port

    key = secrets.token_urlsafe(64)
    env = {**os.environ, "BENCH_SECRET_KEY": key}
    ami_port = free_port()
    pbx = _start("pbx", database_url, folder, ami_port, env)
    _wait_for_port(ami_port, pbx)
    worker = _start("worker", database_url, folder, ami_port, env)
    web_port = free_port()
    web = _start("web", database_url, folder, web_port, env)
    floor = Floor(f"http://127.0.0.1:{web_port}", web, worker, pbx)
    try:
        _wait_until_serving(floor, folder / READY_FILE)
        yield floor
    finally:
        for process in (web, worker, pbx):
            _stop(process)


def _start(
    role: str, database_url: str, folder: Path, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "bench.screenpop_processes", role,
        f"--database-url={database_url}", f"--folder={folder}", f"--port={port}",
    ]  # fmt: skip
    errors = (folder / f"{role}.stderr").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=errors, stderr=errors)


def _wait_until_serving(floor: Floor, worker_ready: Path) -> None:
    """The worker dialling (its ready file) and the web process answering /readyz."""
    deadline = time.monotonic() + START_BOUND_S
    while time.monotonic() < deadline:
        for process in (floor.web, floor.worker):
            if process.poll() is not None:
                raise RuntimeError(f"a bench process stopped at start ({process.args})")
        if worker_ready.exists() and _answers(f"{floor.url}/readyz"):
            return
        time.sleep(0.2)
    raise RuntimeError("the bench processes did not start: see web.stderr, worker.stderr")


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_BOUND_S
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError("the simulated PBX did not start: see pbx.stderr")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_BOUND_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _process_cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are the 14th and 15th fields of stat (after the name's ")").
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the two processes ---------------------------------------------------------------


AMI_USER, AMI_SECRET = "dialer", "bench-secret"


def _pbx(_database_url: str, _folder: Path, port: int) -> None:
    from bench.screenpop_crowd import FLOOR
    from telephony.sim import PbxSimulator, SimulatorConfig

    config = SimulatorConfig(
        time_factor=1.0, seed=5, population=FLOOR, username=AMI_USER, secret=AMI_SECRET
    )

    async def serve() -> None:
        pbx = PbxSimulator(config)
        await pbx.start("127.0.0.1", port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await pbx.stop()

    asyncio.run(serve())


def _worker(database_url: str, folder: Path, port: int) -> None:
    from dialer.core.runtime import build_runtime
    from dialer.engine.service import DialerService, serve_until_signalled

    base = layout_settings(database_url, folder, os.environ["BENCH_SECRET_KEY"])
    settings = base.model_copy(
        update={
            "ami_url": f"ami://{AMI_USER}:{AMI_SECRET}@127.0.0.1:{port}",
            "trunk_max_cps": 1000.0,
            # The bench stops with calls up: no need to wait for them.
            "stop_drain_seconds": 1.0,
        }
    )
    runtime = build_runtime(settings, create_keys=False)
    service = DialerService(runtime)
    asyncio.run(serve_until_signalled(service, (folder / READY_FILE).touch))


def _web(database_url: str, folder: Path, port: int) -> None:
    import uvicorn

    from web.main import create_app

    settings = layout_settings(database_url, folder, os.environ["BENCH_SECRET_KEY"])
    app = create_app(settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                timeout_graceful_shutdown=1)  # fmt: skip


ROLES = {"pbx": _pbx, "worker": _worker, "web": _web}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("role", choices=tuple(ROLES))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ROLES[args.role](args.database_url, args.folder, args.port)


if __name__ == "__main__":
    main()
