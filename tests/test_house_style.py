"""The house rules CI enforces: formatting, lint, types and the import contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ["dialer", "telephony", "scripts", "consent", "web", "checker", "proving"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        (str(BIN / "ruff"), "format", "--check", *PACKAGES, "bench", "tests"),
        (str(BIN / "ruff"), "check", *PACKAGES, "bench", "tests"),
        (str(BIN / "lint-imports"),),
        (str(BIN / "mypy"),),
    ],
    ids=["ruff-format", "ruff-check", "import-contracts", "mypy-strict"],
)
def test_house_rule(command: tuple[str, ...]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
