"""The one error type of the waves package."""

from __future__ import annotations

from dialer.core.errors import DomainError


class WaveError(DomainError):
    """A wave cannot be scheduled or changed as asked; the message is French, for the manager."""
