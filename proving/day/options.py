"""What a simulated day is asked to do: its size, its pace and the faults to inject."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dialer.core.errors import DomainError


class Fault(StrEnum):
    AMI_DROP = "ami-drop"  # the PBX closes the AMI connection every few minutes
    WORKER_KILL = "worker-kill"  # the first dialer worker is SIGKILLed and restarted
    # The second worker is SIGKILLed while it has a call bridged to an agent; the first
    # takes its calls over once it is dead, then an operator starts it again.
    WORKER_KILL_LIVE = "worker-kill-live"
    WORKER_STOP = "worker-stop"  # the second worker is stopped (SIGTERM) for good
    RECEIVER_FLAKY = "receiver-flaky"  # the fund's webhook refuses half and restarts
    SLOW_PBX = "slow-pbx"  # the PBX answers every action late


def parse_faults(text: str) -> frozenset[Fault]:
    """``ami-drop,slow-pbx`` or ``all``; DomainError in French for an unknown name."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return frozenset(Fault)
    known = {fault.value: fault for fault in Fault}
    unknown = [name for name in names if name not in known]
    if unknown:
        choices = ", ".join([*known, "all"])
        raise DomainError(f"Panne inconnue : {', '.join(unknown)} (au choix : {choices}).")
    return frozenset(known[name] for name in names)


@dataclass(frozen=True)
class FaultPlan:
    """How often each fault strikes, in simulated minutes; the PBX's delay in simulated seconds.

    Everything is on the simulated clock, so a fault weighs the same at any speed-up:
    a PBX late by 50 real milliseconds would be 6 simulated seconds late per action at
    the default factor, and its queued actions would run minutes behind.
    """

    ami_drop_every_min: float = 20.0
    worker_kill_every_min: float = 90.0
    receiver_restart_every_min: float = 45.0
    receiver_failure_rate: float = 0.5
    pbx_delay_s: float = 0.4  # each AMI action answered this late (simulated)
    kill_live_after_min: float = 30.0
    worker_stop_after_min: float = 70.0


# Each needs two worker processes, which talk to the web processes through PostgreSQL.
NEEDS_POSTGRES = frozenset({Fault.WORKER_KILL, Fault.WORKER_KILL_LIVE, Fault.WORKER_STOP})


@dataclass(frozen=True)
class RealPbx:
    """A real Asterisk (with the project's asterisk/ files) the day dials through.

    The day then runs in real time (a person's Wait(20) lasts 20 s), the agents'
    phones are pyVoIP phones registered as ``phones`` (the endpoints of pjsip.conf),
    and the dial log comes off the AMI wire (``pbx_tap``). Faults need the simulator.
    """

    ami_url: str
    dial_template: str = "Local/{national}@sim-persons"
    agent_template: str = "PJSIP/{agent}"
    phones: tuple[str, ...] = ("901", "902")
    sip_server: str = "127.0.0.1:5060"
    # pjsip.conf's placeholders; a real test PBX sets its own.
    phone_password: str = "CHANGE-ME-agent-{agent}"  # noqa: S105 - pjsip.conf placeholder


@dataclass(frozen=True)
class DayOptions:
    agents: int = 20
    people: int = 2000
    seed: int = 1
    database_url: str | None = None  # None: a new SQLite file under var/day/
    time_factor: float = 0.008  # real seconds per simulated second: 8 h in about 4 min
    hours: float = 8.0
    start_hour: int = 8  # Paris time the simulated day starts
    faults: frozenset[Fault] = frozenset()
    plan: FaultPlan = field(default_factory=FaultPlan)
    work_dir: Path = Path("var/day")
    bad_ratio: float = 0.02
    opt_out_ratio: float = 0.03
    tick_seconds: float = 0.05
    pacing: str = "predictive"
    pbx: RealPbx | None = None

    def has(self, fault: Fault) -> bool:
        return fault in self.faults
