"""What can go wrong talking to AMI, by what it means for the caller."""

from __future__ import annotations


class AmiError(Exception):
    """Base of every AMI adapter error."""


class AmiNotConnected(AmiError):
    """No logged-in connection: nothing was sent."""


class AmiDisconnected(AmiError):
    """The connection dropped after the action was written: it may or may not have run.

    The action is never re-sent (panoramisk 1.4 would, and an Originate would
    be dialled twice).
    """


class AmiTimeout(AmiError, TimeoutError):
    """No response within the action timeout: it may or may not have run."""


class AmiLoginError(AmiError):
    """Asterisk refused the credentials."""


class AmiActionError(AmiError):
    """Asterisk answered ``Response: Error`` (the message says why)."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action}: {message}")
        self.action = action
        self.message = message


class OriginateUncertain(AmiError):
    """The Originate was written but not acknowledged (timeout or disconnect).

    The call stays tracked: its final CallUpdate still reaches the observer,
    either from the PBX's events or as ``ended_while_disconnected`` after the
    reconnect. Never redial on this error.
    """

    def __init__(self, channel_id: str, cause: AmiError) -> None:
        super().__init__(f"originate {channel_id} not acknowledged: {cause}")
        self.channel_id = channel_id
