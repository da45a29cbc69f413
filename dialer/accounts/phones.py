"""The phone an agent's account carries: the endpoint the PBX rings for them.

Stored as typed by the administrator (``901``, or a whole dial string such as
``PJSIP/901``), refused when it could smuggle anything into an AMI frame.
"""

from __future__ import annotations

from sqlmodel import Session

from dialer.accounts.models import User
from dialer.core.errors import DomainError
from telephony.ami.frames import UnsafeAmiValue, check_agent_endpoint

ENDPOINT_RULE_FR = (
    "Poste téléphonique invalide : un nom de poste (lettres, chiffres, . _ + -, "
    "40 caractères au plus, par exemple 901) ou une chaîne de numérotation complète "
    "de la forme PJSIP/901 ou Local/901@contexte ; ni espace, ni virgule, ni « & »."
)
NO_PHONE_FR = (
    "Aucun poste téléphonique n'est associé à votre compte : l'administrateur doit "
    "l'indiquer (page Administration) avant que vous puissiez recevoir des appels."
)


class PhoneEndpointError(DomainError):
    """An endpoint an account may not carry; the message is French."""


def checked_endpoint(value: str | None) -> str | None:
    """The endpoint as stored on an account (blank = none); refuses unsafe values."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return check_agent_endpoint(text)
    except UnsafeAmiValue as error:
        raise PhoneEndpointError(ENDPOINT_RULE_FR) from error


def set_phone_endpoint(session: Session, user: User, value: str | None) -> None:
    user.phone_endpoint = checked_endpoint(value)
    session.add(user)
    session.flush()
