"""``dialer serve`` prints its URL only once the server accepts connections."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

URL_LINE = re.compile(r"Service prêt : (http://127\.0\.0\.1:(\d+)/)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_url_is_printed_when_the_server_already_answers(tmp_path: Path) -> None:
    dialer = str(Path(sys.executable).parent / "dialer")
    env = {
        **os.environ,
        "DIALER_DATABASE_URL": f"sqlite:///{tmp_path}/service.sqlite3",
        "DIALER_DATA_KEY_FILE": str(tmp_path / "keys.json"),
        "DIALER_AMI_URL": f"ami://dialer:dialer-secret@127.0.0.1:{_free_port()}",
        "DIALER_DEMO_DATA": "true",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("COLUMNS", None)
    prestart = subprocess.run(
        [dialer, "prestart"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert prestart.returncode == 0, prestart.stderr
    port = _free_port()
    service = subprocess.Popen(
        [dialer, "serve", "--no-prestart", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert service.stdout is not None
        deadline = time.monotonic() + 120
        seen = []
        url = None
        while time.monotonic() < deadline:
            line = service.stdout.readline()
            if not line:
                break
            seen.append(line)
            found = URL_LINE.search(line)
            if found:
                # At the very moment the line appears: one try, no retry, no wait.
                with socket.create_connection(("127.0.0.1", int(found[2])), timeout=2):
                    pass
                url = found[1]
                break
        assert url == f"http://127.0.0.1:{port}/", "".join(seen)
        with urllib.request.urlopen(url + "connexion", timeout=10) as page:
            assert page.status == 200
        demo = [service.stdout.readline() for _ in range(3)]
        assert "Comptes de démonstration" in demo[0] and "agent1" in "".join(demo)
    finally:
        service.send_signal(signal.SIGINT)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()


def test_a_port_in_use_ends_with_an_error_and_no_url(tmp_path: Path) -> None:
    dialer = str(Path(sys.executable).parent / "dialer")
    env = {
        **os.environ,
        "DIALER_DATABASE_URL": f"sqlite:///{tmp_path}/service.sqlite3",
        "DIALER_DATA_KEY_FILE": str(tmp_path / "keys.json"),
        "DIALER_AMI_URL": f"ami://dialer:dialer-secret@127.0.0.1:{_free_port()}",
        "DIALER_DEMO_DATA": "false",
    }
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [dialer, "serve", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert result.returncode != 0
    assert "Service prêt" not in result.stdout
