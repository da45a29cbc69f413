"""The crowd bench's production layout: a web process and a dialer worker, apart.

``bench/screenpop.py --agents 200 --layout production --database-url …`` runs the floor
as docs/deploy.md installs it: PostgreSQL, a web process serving pages only
(``create_app`` without a dialer, as ``web.main:create_web_app``), and one dialer
worker process (``DialerService`` as ``dialer worker`` runs it) whose PBX is the
simulator, standing in for the Asterisk box. A worker's screen pops reach the web
process through PostgreSQL ``LISTEN/NOTIFY``, the desk's hang-ups and outcomes go back
the same way: the path a 200-agent floor takes. The embedded default (everything in one
interpreter, SQLite) stays the bench's default layout.

    python -m bench.screenpop_processes worker --database-url URL --folder DIR --port P
    python -m bench.screenpop_processes web --database-url URL --folder DIR --port P
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
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

    def cpu_seconds(self) -> float:
        """User and system CPU of the web and worker processes so far (Linux /proc)."""
        return sum(_process_cpu_s(p.pid) for p in (self.web, self.worker))


@contextmanager
def production_floor(database_url: str, folder: Path) -> Iterator[Floor]:
    """The worker, then the web process, started; both stopped (SIGTERM) on exit."""
    from tests.web.desk.live_server import free_port

    key = secrets.token_urlsafe(64)
    env = {**os.environ, "BENCH_SECRET_KEY": key}
    worker = _start("worker", database_url, folder, free_port(), env)
    web_port = free_port()
    web = _start("web", database_url, folder, web_port, env)
    floor = Floor(f"http://127.0.0.1:{web_port}", web, worker)
    try:
        _wait_until_serving(floor, folder / READY_FILE)
        yield floor
    finally:
        for process in (web, worker):
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


def _worker(database_url: str, folder: Path, port: int) -> None:
    from bench.screenpop_crowd import FLOOR
    from dialer.core.runtime import build_runtime
    from dialer.engine.service import DialerService, serve_until_signalled
    from dialer.operations.embedded import embedded_pbx
    from telephony.sim import SimulatorConfig
    from tests.web.desk.live_server import embedded_settings

    base = layout_settings(database_url, folder, os.environ["BENCH_SECRET_KEY"])
    ami_url = f"ami://dialer:dialer-secret@127.0.0.1:{port}"
    settings = embedded_settings(base).model_copy(update={"ami_url": ami_url})
    runtime = build_runtime(settings, create_keys=False)
    sim = SimulatorConfig(time_factor=1.0, seed=5, population=FLOOR)
    service = DialerService(runtime, pbx=embedded_pbx(settings, sim))
    asyncio.run(serve_until_signalled(service, (folder / READY_FILE).touch))


def _web(database_url: str, folder: Path, port: int) -> None:
    import uvicorn

    from web.main import create_app

    settings = layout_settings(database_url, folder, os.environ["BENCH_SECRET_KEY"])
    app = create_app(settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                timeout_graceful_shutdown=1)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("role", choices=("worker", "web"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    run = _worker if args.role == "worker" else _web
    run(args.database_url, args.folder, args.port)


if __name__ == "__main__":
    main()
