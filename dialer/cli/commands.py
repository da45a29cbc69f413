"""Registers every sub-command module on the ``dialer`` app."""

from __future__ import annotations

from dialer.cli import db_cmd, import_cmd, serve_cmd, setup_cmd  # noqa: F401
