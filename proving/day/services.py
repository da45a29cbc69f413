"""The day's running parts: the web app under uvicorn, and the worker process.

The web app is the real one, built by the composition root ``web.main``; it is
loaded by name, as ``dialer serve`` does, since nothing in ``dialer`` imports
``web``.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from dialer.core.runtime import Runtime
from dialer.core.settings import Settings
from dialer.engine.service import DialerService
from proving.day.clock import SimClock

STARTUP_BOUND_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WebApp:
    server: uvicorn.Server
    task: asyncio.Task[None]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, STARTUP_BOUND_S)


async def start_web_app(settings: Settings, clock: SimClock, *, run_dialer: bool,
                        tick_seconds: float, port: int | None = None) -> WebApp:  # fmt: skip
    """The desk and the pages; with ``run_dialer`` the dialer runs in the same process."""

    def service(runtime: Runtime) -> DialerService:
        return DialerService(runtime, clock=clock, tick_seconds=tick_seconds)

    create_app: Callable[..., Any] = importlib.import_module("web.main").create_app
    app = create_app(settings, run_dialer=run_dialer, clock=clock, service_factory=service)
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on", access_log=False)  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(), name="day-web")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_BOUND_S
    while not server.started:
        if task.done() or loop.time() > deadline:
            raise RuntimeError("le serveur web de la journée n'a pas démarré")
        await asyncio.sleep(0.05)
    return WebApp(server, task, port)


@dataclass
class WorkerProcess:
    """A child process of the day (a dialer worker, a web process) that says ``ready``."""

    command: list[str]
    errors: Path
    process: subprocess.Popen[str] | None = None
    lives: int = 0
    env: dict[str, str] | None = None
    name: str = "day-worker"
    ready: bool = False  # said ``ready`` and not stopped or killed since

    def start(self) -> None:
        with self.errors.open("a") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                self.command, stdout=subprocess.PIPE, stderr=stderr, text=True,
                env={**os.environ, **(self.env or {})},
            )  # fmt: skip
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            self.kill()
            raise RuntimeError(f"le processus {self.name} n'a pas démarré : voir {self.errors}")
        self.lives += 1
        self.ready = True

    def kill(self) -> None:
        """SIGKILL: no chance to close its calls, as in a crash."""
        self.ready = False
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STARTUP_BOUND_S)

    def stop(self) -> None:
        self.ready = False
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=STARTUP_BOUND_S)


def _child_command(module: str, settings: Settings, ami_port: int, clock: SimClock) -> list[str]:
    return [
        sys.executable, "-m", module,
        f"--database-url={settings.database_url}", f"--ami-port={ami_port}",
        f"--key-file={settings.data_key_file}", f"--clock-start={clock.start.isoformat()}",
        f"--clock-epoch={clock.epoch!r}", f"--time-factor={clock.time_factor!r}",
    ]  # fmt: skip


def worker_process(settings: Settings, ami_port: int, clock: SimClock, tick_seconds: float,
                   errors: Path, worker_id: str = "day-worker") -> WorkerProcess:  # fmt: skip
    command = _child_command("proving.day.worker_main", settings, ami_port, clock)
    command += [f"--tick-seconds={tick_seconds}", f"--worker-id={worker_id}"]
    return WorkerProcess(command, errors, name=worker_id)


def web_process(settings: Settings, ami_port: int, clock: SimClock, errors: Path,
                port: int) -> WorkerProcess:  # fmt: skip
    """A second web process; it shares the first's session key (by environment)."""
    command = _child_command("proving.day.web_main", settings, ami_port, clock)
    secret = {"DIALER_SECRET_KEY": settings.secret_key.get_secret_value()}
    return WorkerProcess(command + [f"--port={port}"], errors, env=secret, name="day-web-2")
