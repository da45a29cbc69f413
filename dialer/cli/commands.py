"""Registers every sub-command module on the ``dialer`` app."""

from __future__ import annotations

import importlib

COMMAND_MODULES = (
    "db_cmd",
    "import_cmd",
    "serve_cmd",
    "setup_cmd",
    "explain_cmd",
    "privacy_cmd",
    "wave_cmd",
    "pbx_cmd",
    "feed_cmd",
    "day_cmd",
)

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"dialer.cli.{_name}")
    except ModuleNotFoundError as missing:  # a command module not written yet
        if missing.name != f"dialer.cli.{_name}":
            raise
