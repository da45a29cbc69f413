"""The refusals of the domain: a rule said no, and the message says why, in French.

A ``DomainError`` is what a person may read (the web shows it, the CLI prints it);
any other exception is a fault whose text stays in the logs. It is a ``ValueError``
too, so that pydantic validators built on domain checks keep turning it into a
validation error.
"""

from __future__ import annotations


class DomainError(ValueError):
    """A request the domain refuses; ``message`` is French, for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """Refused because of the current state (already done, taken by someone else)."""


class NotFound(DomainError):
    """Refused because what the request names does not exist (any more)."""
