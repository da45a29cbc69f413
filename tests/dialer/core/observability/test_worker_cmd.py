"""``dialer worker`` as operators run it: a process that dials until SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from dialer.core.db import make_engine
from dialer.operations import migrate
from tests.dialer.engine.calling.conftest import free_port

RUN_WORKER = "from dialer.cli.main import app; app()"


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the worker never became ready")


def test_worker_runs_until_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite3"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    env = os.environ | {
        "DIALER_DATABASE_URL": url,
        "DIALER_DATA_KEY_FILE": str(tmp_path / "keys.json"),
        "DIALER_AMI_URL": f"ami://dialer:s3cret@127.0.0.1:{free_port()}",
        "DIALER_WORKER_ID": "box-1",
        "DIALER_LOG_JSON": "true",
    }
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WORKER, "worker", "--metrics-port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        ready = wait_ready(port, process)
        assert ready.json()["pbx"] == {"box-1": "ok"}
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
    lines = stderr.decode().splitlines()
    assert any('"message": "worker box-1 stopped"' in line for line in lines), lines
