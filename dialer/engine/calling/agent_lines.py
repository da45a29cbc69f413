"""An agent's phone as the PBX dials it: the account's endpoint through the agent template.

The dial string goes into the Originate's AGENT (progressive, preview) or a Setvar
(predictive), and the dialplan dials it as it is. So it is built from what the
PBX really declares (``phone_endpoint`` of the account, e.g. ``901``) and the
operator's ``DIALER_AGENT_TEMPLATE`` (``PJSIP/{agent}``), never from an id the
PBX has never heard of.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.accounts.phones import ENDPOINT_RULE_FR, NO_PHONE_FR
from dialer.core.db import session_scope
from dialer.core.errors import DomainError
from telephony.ami.frames import AgentTemplate, UnsafeAmiValue


class AgentLineError(DomainError):
    """An agent whose phone cannot be dialled; the message is French."""


def line_of_endpoint(template: AgentTemplate, endpoint: str | None) -> str:
    if not endpoint:
        raise AgentLineError(NO_PHONE_FR)
    try:
        return template.build(endpoint)
    except UnsafeAmiValue as error:
        raise AgentLineError(ENDPOINT_RULE_FR) from error


def line_in_session(session: Session, template: AgentTemplate, user_id: int) -> str:
    user = session.get(User, user_id)
    return line_of_endpoint(template, user.phone_endpoint if user is not None else None)


class AgentLines:
    """Reads an agent's endpoint when a call is placed for them (it may have just changed)."""

    def __init__(self, engine: Engine, template: AgentTemplate) -> None:
        self._engine = engine
        self.template = template

    def line_of(self, user_id: int) -> str:
        with session_scope(self._engine) as session:
            return line_in_session(session, self.template, user_id)
