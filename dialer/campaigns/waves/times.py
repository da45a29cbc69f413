"""Wave times as managers write and read them: Paris time on screen, naive UTC stored."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dialer.campaigns.waves.errors import WaveError

# The national call centre works on Paris time, whatever territory it calls.
CENTRE_TIME_ZONE = ZoneInfo("Europe/Paris")
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")


def parse_paris_time(text: str, label: str = "Date") -> datetime:
    """``2026-12-01 10:00`` (or ``01/12/2026 10:00``) in Paris time, as naive UTC."""
    value = text.strip()
    for pattern in _FORMATS:
        try:
            local = datetime.strptime(value, pattern)
        except ValueError:
            continue
        aware = local.replace(tzinfo=CENTRE_TIME_ZONE)
        return aware.astimezone(UTC).replace(tzinfo=None)
    raise WaveError(f"{label} : date et heure attendues, par exemple 01/12/2026 10:00.")


def paris_time(moment: datetime) -> datetime:
    """A stored naive UTC datetime, in Paris time."""
    return moment.replace(tzinfo=UTC).astimezone(CENTRE_TIME_ZONE)


def paris_text(moment: datetime | None) -> str:
    return paris_time(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else ""
