"""What the simulated PBX did beyond calls, kept for tests to read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ControlRecord:
    """One call-control action the PBX carried out (Redirect, Bridge, transfers)."""

    action: str
    channel: str
    context: str = ""
    exten: str = ""
    extra: str = ""


@dataclass(frozen=True)
class SpyRecord:
    """A supervisor's phone the PBX rang into an application."""

    phone: str
    application: str
    data: str
    channel_id: str
    answered: bool
