"""Running worker processes and reading their simulators' dial logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.dialer.engine.calling.conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
# Bounds on waiting, far above a normal run: waiting is not what the tests assert.
READY_WAIT_S = 60.0
DONE_WAIT_S = 180.0


@dataclass
class WorkerProcess:
    worker_id: str
    dial_log: Path
    process: subprocess.Popen[str]

    def terminate(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=READY_WAIT_S)

    def errors(self) -> str:
        """What the process wrote to stderr, over all its lives."""
        return (self.dial_log.parent / f"{self.worker_id}.stderr").read_text(encoding="utf-8")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=READY_WAIT_S)


def start_worker(
    database_url: str,
    worker_id: str,
    folder: Path,
    options: Mapping[str, float],
    *,
    life: int = 1,
) -> WorkerProcess:
    """A worker process, started; ``options`` are worker_main's (seed, population rates)."""
    # One log per life: a fresh simulator numbers its channels from the start again.
    dial_log = folder / f"{worker_id}.{life}.dial.jsonl"
    flags = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    command = [
        sys.executable, "-m", "tests.dialer.scale.worker_main",
        f"--database-url={database_url}", f"--worker-id={worker_id}",
        f"--dial-log={dial_log}", f"--port={free_port()}", *flags,
    ]  # fmt: skip
    errors = (folder / f"{worker_id}.stderr").open("a")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True, env=dict(os.environ)
    )
    worker = WorkerProcess(worker_id, dial_log, process)
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until started (or the process died)
    if line.strip() != "ready":
        worker.kill()
        raise AssertionError(f"worker {worker_id} did not start: see {folder}/{worker_id}.stderr")
    return worker


def wait_until(condition: Callable[[], bool], bound_s: float = DONE_WAIT_S) -> None:
    deadline = time.monotonic() + bound_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition {condition.__name__} never held")
        time.sleep(0.1)


@dataclass
class Dial:
    worker_id: str
    attempt_id: int
    number: str
    channel_id: str
    at: datetime  # naive UTC, as the database stores
    ended_at: datetime | None = None
    result: str | None = None


def _naive(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=None)


def read_dials(worker_id: str, path: Path) -> list[Dial]:
    """Every Originate the simulator accepted, joined with its end line if any."""
    dials: dict[str, Dial] = {}
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["kind"] == "dial":
            attempt = int(entry["variables"]["ATTEMPT_ID"])
            dial = Dial(
                worker_id, attempt, entry["number"], entry["channel_id"], _naive(entry["at"])
            )
            dials[entry["channel_id"]] = dial
        elif entry["channel_id"] in dials and entry["at"]:
            dials[entry["channel_id"]].ended_at = _naive(entry["at"])
            dials[entry["channel_id"]].result = entry["result"]
    return list(dials.values())
