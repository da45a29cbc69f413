"""The one error every field parser raises."""

from __future__ import annotations

from dialer.core.errors import DomainError


class FieldError(DomainError):
    """A value refused, with a short French reason a campaign manager can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
