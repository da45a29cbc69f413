#!/usr/bin/env python3
"""Bootstrap: set up .venv if needed, then start the service or run the tests.

    python3 run.py serve    # the whole service on the embedded default
    python3 run.py test     # the whole test suite (two pytest workers; -n 0 for one)

Only the standard library is used here, so it works on a fresh machine with
Python 3.11. Running it twice is harmless: the install is redone only when
pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"
USAGE = """Utilisation :
    python3 run.py serve    # le service complet, base SQLite embarquée et données de démonstration
    python3 run.py test     # toute la suite de tests (arguments suivants passés à pytest)"""


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        ensure_venv()
    except InstallFailed as failure:
        print(failure.explanation(), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nInstallation interrompue : relancez la même commande pour la reprendre.",
              file=sys.stderr)  # fmt: skip
        return 130
    if argv[0] == "serve":
        # The one-time work first (keys, schema, scripts, demo data), then the service.
        return run([str(BIN / "dialer"), "prestart"]) or run(
            [str(BIN / "dialer"), "serve", "--no-prestart", *argv[1:]]
        )
    ensure_chromium()
    return run([str(BIN / "python"), "-m", "pytest", *workers(argv[1:]), *argv[1:]])


def workers(args: list[str]) -> list[str]:
    """Two pytest workers unless the caller chose (``-n 0`` for one process).

    The suite mostly waits (simulated PBX, browsers, child processes, PostgreSQL), so two
    workers nearly halve it on two cores. Each test file stays whole on one worker: a
    module's shared fixture (a benchmark run, a served app) is then built once.
    """
    chosen = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in args)
    if chosen or "no:xdist" in args:
        return []
    return ["-n", "2", "--dist", "loadfile"]


class InstallFailed(Exception):
    """Setting up .venv failed; the operator reads what to do, not a traceback."""

    def __init__(self, step: str, hints: list[str]) -> None:
        super().__init__(step)
        self.step = step
        self.hints = hints

    def explanation(self) -> str:
        lines = [f"\nL'installation a échoué : {self.step}", "Que faire :"]
        lines += [f"  - {hint}" for hint in self.hints]
        lines.append(
            "  - Puis relancez la même commande : l'installation reprend où elle en était."
        )
        return "\n".join(lines)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        found = ".".join(str(part) for part in sys.version_info[:3])
        raise InstallFailed(
            f"Python {found} est trop ancien.",
            ["Installez Python 3.11 ou plus récent et lancez run.py avec lui (python3.11 run.py)."],
        )
    if not (BIN / "python").exists():
        print("Création de l'environnement .venv …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (OSError, subprocess.CalledProcessError) as error:
            raise InstallFailed(
                f"l'environnement .venv n'a pas pu être créé ({error.__class__.__name__}).",
                [
                    "Sur Debian ou Ubuntu, installez le module venv : apt-get install python3-venv.",
                    f"Supprimez le dossier {VENV} s'il est resté à moitié créé.",
                ],
            ) from None
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installation du projet et de ses outils de test dans .venv …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _pip([*pip, "--upgrade", "pip"], "la mise à jour de pip")
    _pip([*pip, "-e", f"{ROOT}[dev]"], "l'installation des dépendances du projet")
    STAMP.write_text(wanted)


def _pip(command: list[str], what: str) -> None:
    # pip prints its own reason above (index unreachable, no matching version…).
    code = subprocess.call(command, cwd=ROOT)
    if code == 0:
        return
    found = ".".join(str(part) for part in sys.version_info[:3])
    index = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple"
    raise InstallFailed(
        f"{what} par pip a échoué (code de sortie {code}) ; son message est juste au-dessus.",
        [
            f"Vérifiez que cette machine joint l'index de paquets ({index}) : "
            "accès à Internet ou au miroir interne, proxy (HTTPS_PROXY), certificats.",
            "Pour un miroir interne, indiquez-le à pip : PIP_INDEX_URL=https://miroir/simple.",
            f"Vérifiez la version de Python : {found} ici, 3.11 ou plus récent est demandé ; "
            "certains paquets n'existent pas encore pour une version très récente.",
            f"Si l'environnement est abîmé, supprimez le dossier {VENV} et relancez.",
        ],
    )


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it when we may."""
    if shutil.which("chromium") or os.environ.get("DIALER_SKIP_BROWSER_INSTALL"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("chromium est absent : les tests dans le navigateur seront sautés.", flush=True)
        return
    print("Installation du chromium de Debian pour les tests dans le navigateur …", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "check": False}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, **quiet)  # type: ignore[call-overload]


def run(command: list[str]) -> int:
    os.chdir(ROOT)
    child = subprocess.Popen(command)
    # A service manager (systemd, docker stop) signals this process alone: pass it on,
    # or the service would outlive us, holding its port and its database.
    signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))
    try:
        return child.wait()
    except KeyboardInterrupt:
        pass
    # Ctrl-C in a terminal reached the child too: let it stop cleanly, without a traceback here.
    try:
        return child.wait(timeout=20)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        child.terminate()
        return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
