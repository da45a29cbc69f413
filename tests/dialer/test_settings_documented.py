"""Every setting the operators read about exists, and every setting is read somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from dialer.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "asterisk" / "README.md", *(ROOT / "docs").glob("*.md")]
DEPLOY = [path for path in (ROOT / "deploy").rglob("*") if path.is_file()]
PRODUCT = ["dialer", "web", "telephony", "scripts", "consent"]
# Variables the docs name that are not settings of the service: the dialplan's caller id,
# the worker unit's command-line options, and what the tests and benchmarks read.
NOT_SETTINGS = re.compile(r"DIALER_(TEST_\w+|BENCH_\w+|WORKER_METRICS_\w+|CALLER_ID)$")
# Fields read through a property of Settings rather than by name.
READ_THROUGH = {"ami_url": "ami"}


def _documented() -> set[str]:
    names: set[str] = set()
    for path in [*DOCS, *DEPLOY]:
        names.update(re.findall(r"\bDIALER_[A-Z][A-Z0-9_]*", path.read_text(encoding="utf-8")))
    return {name for name in names if not NOT_SETTINGS.match(name)}


def _product_source() -> str:
    files = [path for folder in PRODUCT for path in (ROOT / folder).rglob("*.py")]
    return "\n".join(
        path.read_text(encoding="utf-8") for path in files if path.name != "settings.py"
    )


def test_every_documented_variable_is_a_setting() -> None:
    fields = {f"DIALER_{name.upper()}" for name in Settings.model_fields}
    assert _documented(), "the docs name the settings"
    assert sorted(_documented() - fields) == []


def test_every_setting_is_documented() -> None:
    fields = {f"DIALER_{name.upper()}" for name in Settings.model_fields}
    assert sorted(fields - _documented()) == []


def test_every_setting_is_read_outside_the_settings_module() -> None:
    source = _product_source()
    unread = [
        name
        for name in Settings.model_fields
        if not re.search(rf"settings\.{READ_THROUGH.get(name, name)}\b", source)
    ]
    assert unread == []
