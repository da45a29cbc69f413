"""PBX simulator: a TCP server speaking AMI as the recorded Asterisk 22 does."""

from telephony.sim.config import DialRecord, Faults, SimulatorConfig
from telephony.sim.population import Behaviour, Outcome, PopulationModel
from telephony.sim.server import PbxSimulator, serve_forever

__all__ = [
    "Behaviour",
    "DialRecord",
    "Faults",
    "Outcome",
    "PbxSimulator",
    "PopulationModel",
    "SimulatorConfig",
    "serve_forever",
]
