"""Registers every sub-command module on the ``dialer`` app (each adds itself on import)."""

from __future__ import annotations

from dialer.cli import (  # noqa: F401
    day_cmd,
    db_cmd,
    explain_cmd,
    feed_cmd,
    import_cmd,
    pbx_cmd,
    privacy_cmd,
    serve_cmd,
    setup_cmd,
    wave_cmd,
    worker_cmd,
)
