"""The embedded default's PBX: the simulator, run in-process, built by the composition roots.

``web.main`` and ``dialer worker`` decide from the settings whether this process runs
its own PBX, and hand it to the ``DialerService``; the service itself never imports
the simulator, so a production worker does not carry it.
"""

from __future__ import annotations

import dataclasses

from dialer.core.settings import Settings
from telephony.sim import PbxSimulator, SimulatorConfig


def embedded_pbx(settings: Settings, config: SimulatorConfig | None = None) -> PbxSimulator | None:
    """The simulator answering the AMI login of the settings, or None for a real Asterisk."""
    if not settings.embedded_pbx:
        return None
    endpoint = settings.ami
    chosen = config or SimulatorConfig()
    return PbxSimulator(
        dataclasses.replace(chosen, username=endpoint.username, secret=endpoint.secret)
    )
