"""run.py, the bootstrap: when pip fails the operator reads what to do, never a traceback."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Stands in for .venv/bin/python: it fails as pip does when the index cannot be reached.
FAKE_PYTHON = """#!/bin/sh
echo "ERROR: Could not find a version that satisfies the requirement fastapi" >&2
exit 1
"""


def _checkout(tmp_path: Path) -> Path:
    """A copy of run.py beside a pyproject.toml and a .venv whose pip always fails."""
    shutil.copy(ROOT / "run.py", tmp_path / "run.py")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def _run(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_INDEX_URL": "https://miroir.exemple/simple"}
    return subprocess.run(
        [sys.executable, str(checkout / "run.py"), *args],
        cwd=checkout, capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip


def test_a_failing_pip_ends_with_advice_in_french_and_no_traceback(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    result = _run(checkout, "serve")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "CalledProcessError" not in output
    assert "L'installation a échoué" in result.stderr
    assert "code de sortie 1" in result.stderr
    assert "https://miroir.exemple/simple" in result.stderr  # the index it tried, named
    assert "Python" in result.stderr and "3.11" in result.stderr
    assert "Could not find a version" in result.stderr  # pip's own reason is kept
    assert not (checkout / ".venv" / ".installed-from").exists()  # retried next time


def test_an_unknown_verb_prints_the_usage_in_french(tmp_path: Path) -> None:
    result = _run(_checkout(tmp_path), "lancer")
    assert result.returncode == 2
    assert "Utilisation :" in result.stderr and "python3 run.py serve" in result.stderr


def _serving(tmp_path: Path, service_body: str) -> subprocess.Popen[str]:
    """``run.py serve`` in a session of its own, its service a shell script (installed)."""
    checkout = _checkout(tmp_path)
    venv = checkout / ".venv"
    wanted = hashlib.sha256((checkout / "pyproject.toml").read_bytes()).hexdigest()
    (venv / ".installed-from").write_text(wanted)
    dialer = venv / "bin" / "dialer"
    dialer.write_text('#!/bin/sh\n[ "$1" = prestart ] && exit 0\n' + service_body)
    dialer.chmod(0o755)
    return subprocess.Popen(
        [sys.executable, str(checkout / "run.py"), "serve"],
        cwd=checkout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def test_ctrl_c_while_serving_ends_quietly(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole foreground group: run.py waits for the service, no traceback."""
    # A service that stops cleanly on SIGINT, as uvicorn does.
    started = _serving(tmp_path, "trap 'echo arrêt; exit 0' INT\nwhile :; do sleep 0.1; done\n")
    try:
        time.sleep(1.5)
        os.killpg(started.pid, signal.SIGINT)
        out, err = started.communicate(timeout=30)
    finally:
        # A loaded machine may start the fake service after the SIGINT: never leave it looping.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.pid, signal.SIGKILL)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "arrêt" in out


def test_sigterm_to_run_py_stops_the_service_too(tmp_path: Path) -> None:
    """A service manager (systemd, docker stop) signals run.py alone: the service it
    started must stop as well, not keep the port and the database after run.py is gone."""
    pid_file = tmp_path / "service.pid"
    # A service that stops cleanly on SIGTERM, as uvicorn does, and says who it is.
    started = _serving(
        tmp_path,
        f"echo $$ > {pid_file}\ntrap 'echo arrêt; exit 0' TERM\nwhile :; do sleep 0.1; done\n",
    )
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "the fake service never started"
            time.sleep(0.05)
        service = int(pid_file.read_text())
        started.send_signal(signal.SIGTERM)  # run.py only, not its group
        out, err = started.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while _alive(service):
            assert time.monotonic() < deadline, "the service outlived run.py"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.pid, signal.SIGKILL)
    assert "Traceback" not in err, err
    assert "arrêt" in out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of a dead parent is reaped by init; until then it is no longer running.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()
