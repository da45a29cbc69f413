"""Refusals raised by routes and guards, each carrying its French message.

Apart from ``web.errors`` (which renders them) so that the guards in ``web.security``
can raise them without importing the renderer.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException as StarletteHTTPException

from consent.errors import ConsentError
from dialer.core.errors import DomainError
from scripts.errors import ScriptError

# The refusals whose message is written for people: the domain's, the consent ledger's
# and the script catalogue's (those two import nothing of ours, so they keep their own).
HUMAN_ERRORS: tuple[type[ValueError], ...] = (DomainError, ConsentError, ScriptError)


class FrenchHTTPException(StarletteHTTPException):
    """An HTTP refusal whose detail is already a French message for the user."""


class NotAuthenticated(Exception):
    """Nobody is signed in: pages redirect to /connexion, the API answers 401."""


class PasswordChangeRequired(Exception):
    """The password was reset by an administrator: pages lead to the change form first."""


def french_error(status: int, message: str) -> FrenchHTTPException:
    return FrenchHTTPException(status_code=status, detail=message)
