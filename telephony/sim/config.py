"""Settings, fault switches and the dial log of the PBX simulator."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from telephony.sim.dialplan import PbxPlan, project_plan
from telephony.sim.population import PopulationModel

if TYPE_CHECKING:
    from collections.abc import Callable

# How a Login authenticated: a challenged MD5 key or the secret in clear.
LoginKind = Literal["md5", "plain"]

# SIP endpoints of the recorded trunk tests (files 40-45), each with a fixed answer.
SCRIPTED_ENDPOINTS = {
    "carrier-answer": "answer",
    "carrier-busy": "busy",
    "carrier-notfound": "invalid_number",
    "carrier-unavailable": "congestion",
    "carrier-noanswer": "no_answer",
    "carrier-tempunavail": "unavailable",
}


@dataclass
class SimulatorConfig:
    username: str = "dialer"
    secret: str = "dialer-secret"  # noqa: S105 - the recorded lab PBX's AMI secret
    time_factor: float = 1.0  # 1.0 real time; 0.001 makes a 3-minute call last 180 ms
    seed: int = 1
    population: PopulationModel = field(default_factory=PopulationModel)
    dial_log_path: Path | str | None = None
    # What the PBX declares: the project's asterisk/ files, so that a dial string
    # Asterisk would refuse (an unknown endpoint, context or extension) fails here too.
    plan: PbxPlan = field(default_factory=project_plan)
    # The lab endpoints of the recorded trunk tests (files 40-45) exist besides the
    # plan's; they answer as recorded, the plan's ask the population model.
    recorded_endpoints: tuple[str, ...] = tuple(SCRIPTED_ENDPOINTS)
    # The dialplan of the lab that recorded ../shared/ami-transcripts: there AGENT
    # named an extension of sim-agents (AGENT=801 dialled Local/801@sim-agents),
    # dialer-connect dialled it right after the answer and sim-persons' NoOps had
    # the lab's words. Only replays of those recordings want it; otherwise the
    # simulator runs asterisk/extensions.conf: [dialer-agent] polls AGENT, takes a
    # whole dial string and abandons anything else (tests/fixtures/ami-transcripts).
    lab_agents: bool = False
    # A client leaving more than this unread is dropped (Asterisk's writetimeout does
    # the same); 256 MiB is about 10,000 answered calls' worth of events.
    max_client_backlog: int = 256 * 1024 * 1024
    # What time the dial log writes (UTC); None is the wall clock. A simulated day
    # passes its accelerated clock so the log and the dialer's records agree.
    clock: Callable[[], datetime] | None = None
    # Shortest real wait for the dialer to hand an answered call to an agent. At a
    # high speed-up the dialer's real reaction time (milliseconds) would otherwise
    # count as seconds of silence and turn every predictive call into an abandon.
    min_agent_wait_real_s: float = 0.0

    def knows_endpoint(self, name: str) -> bool:
        return self.plan.has_endpoint(name) or name in self.recorded_endpoints


@dataclass
class Faults:
    """Switches a test flips to make the PBX misbehave."""

    refuse_login: bool = False
    # The carrier trunk is unreachable (qualify says so, or it was never reachable):
    # PJSIP/<number>@trunk creates no channel, and [outbound] (Local/<national>@outbound)
    # ends with cause 3, no route to destination, as Asterisk 22 does.
    trunk_down: bool = False
    response_delay_s: float = 0.0
    error_actions: set[str] = field(default_factory=set)
    drop_hook: Callable[[], None] | None = None

    def drop_connections(self) -> None:
        """Close every client socket now; calls keep going inside the PBX."""
        if self.drop_hook is not None:
            self.drop_hook()


@dataclass
class DialRecord:
    """One Originate the PBX accepted, and how it ended."""

    at: datetime
    action_id: str
    channel_id: str
    dial_string: str
    number: str
    variables: dict[str, str]
    # The Originate's Timeout: how long the PBX lets the person's phone ring.
    ring_timeout_ms: int = 30000
    result: str | None = None
    cause: int | None = None
    ended_at: datetime | None = None

    def dial_line(self) -> str:
        return json.dumps(
            {
                "kind": "dial",
                "at": self.at.isoformat(),
                "action_id": self.action_id,
                "channel_id": self.channel_id,
                "dial_string": self.dial_string,
                "number": self.number,
                "variables": self.variables,
            }
        )

    def end_line(self) -> str:
        return json.dumps(
            {
                "kind": "end",
                "at": self.ended_at.isoformat() if self.ended_at else None,
                "channel_id": self.channel_id,
                "number": self.number,
                "result": self.result,
                "cause": self.cause,
            }
        )
