"""AMI adapter on panoramisk 1.4: connection, frame safety, call state machine.

The dialer builds an ``AmiClient`` with ``ConnectionSettings`` and a
``CallObserver``; everything else here is its machinery.
"""

from telephony.ami.calls import Call, CallTracker
from telephony.ami.client import AmiClient, OriginateRequest
from telephony.ami.connection import AmiConnection, ConnectionSettings
from telephony.ami.endpoint import AmiEndpoint
from telephony.ami.errors import (
    AmiActionError,
    AmiDisconnected,
    AmiError,
    AmiLoginError,
    AmiNotConnected,
    AmiTimeout,
    OriginateUncertain,
)
from telephony.ami.frames import DialTemplate, InvalidNumber, UnsafeAmiValue, national_form
from telephony.ami.ratelimit import TokenBucket, TrunkLimiter
from telephony.ami.updates import CallObserver, CallUpdate

__all__ = [
    "AmiActionError",
    "AmiClient",
    "AmiConnection",
    "AmiDisconnected",
    "AmiEndpoint",
    "AmiError",
    "AmiLoginError",
    "AmiNotConnected",
    "AmiTimeout",
    "Call",
    "CallObserver",
    "CallTracker",
    "CallUpdate",
    "ConnectionSettings",
    "DialTemplate",
    "InvalidNumber",
    "OriginateRequest",
    "OriginateUncertain",
    "TokenBucket",
    "TrunkLimiter",
    "UnsafeAmiValue",
    "national_form",
]
