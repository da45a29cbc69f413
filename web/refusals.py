"""Refusals raised by routes and guards, each carrying its French message.

Apart from ``web.errors`` (which renders them) so that the guards in ``web.security``
can raise them without importing the renderer.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException as StarletteHTTPException


class FrenchHTTPException(StarletteHTTPException):
    """An HTTP refusal whose detail is already a French message for the user."""


class NotAuthenticated(Exception):
    """Nobody is signed in: pages redirect to /connexion, the API answers 401."""


def french_error(status: int, message: str) -> FrenchHTTPException:
    return FrenchHTTPException(status_code=status, detail=message)
