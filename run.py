#!/usr/bin/env python3
"""Bootstrap: set up .venv if needed, then start the service or run the tests.

    python3 run.py serve    # the whole service on the embedded default
    python3 run.py test     # the whole test suite

Only the standard library is used here, so it works on a fresh machine with
Python 3.11. Running it twice is harmless: the install is redone only when
pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    ensure_venv()
    if argv[0] == "serve":
        # The one-time work first (keys, schema, scripts, demo data), then the service.
        return run([str(BIN / "dialer"), "prestart"]) or run(
            [str(BIN / "dialer"), "serve", "--no-prestart", *argv[1:]]
        )
    ensure_chromium()
    return run([str(BIN / "python"), "-m", "pytest", *argv[1:]])


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed.")
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installing the project and its test tools into .venv …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True, cwd=ROOT)
    STAMP.write_text(wanted)


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it when we may."""
    if shutil.which("chromium") or os.environ.get("DIALER_SKIP_BROWSER_INSTALL"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("chromium is missing: browser tests will be skipped.", flush=True)
        return
    print("Installing Debian's chromium for the browser tests …", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "check": False}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, **quiet)  # type: ignore[call-overload]


def run(command: list[str]) -> int:
    os.chdir(ROOT)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
