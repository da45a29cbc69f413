"""SIP phones on pyVoIP for end-to-end runs against a real Asterisk.

``AgentPhone`` auto-answers like an agent's phone; ``VirtualPerson`` answers,
refuses, rings or plays a machine depending on the number dialled.
"""

from telephony.phones.agent import AgentPhone
from telephony.phones.cues import TRANSCRIPT_PEOPLE, Cue, CueBook, CueKind, plan_for
from telephony.phones.person import VirtualPerson
from telephony.phones.records import CallLog, CallRecord
from telephony.phones.sip import SipAccount, SipLineError, parse_server

__all__ = [
    "TRANSCRIPT_PEOPLE",
    "AgentPhone",
    "CallLog",
    "CallRecord",
    "Cue",
    "CueBook",
    "CueKind",
    "SipAccount",
    "SipLineError",
    "VirtualPerson",
    "parse_server",
    "plan_for",
]
