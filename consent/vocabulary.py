"""The ledger's closed vocabularies: channels, decisions and where a decision came from.

Their French labels are in ``dialer.wording`` (this package imports nothing of ours).
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    POST = "post"


class Decision(StrEnum):
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"


class Source(StrEnum):
    CALL_OUTCOME = "call_outcome"
    FUND_FILE = "fund_file"
    RIGHTS_REQUEST = "rights_request"
    MANAGER = "manager"
