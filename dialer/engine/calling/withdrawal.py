"""Taking an agent out of its campaign when an administrator closes or changes the account.

An idle agent (available, paused, in wrap-up) is logged out of its campaign at once,
so the dialer neither reserves it nor counts it for pacing. An agent held for a call
or talking is not cut off: the administrator is told to try again once the call ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from dialer.accounts.models import AgentPresence
from dialer.core.errors import Conflict
from dialer.engine.agents import AgentState
from dialer.engine.calling.presence import log_out, pause

BUSY = frozenset({AgentState.RESERVED, AgentState.ON_CALL})


def withdraw_agent(session: Session, user_id: int, now: datetime) -> bool:
    """Log the agent out of its campaign; False when it was in none. Refuses during a call."""
    row = session.get(AgentPresence, user_id)
    if row is None or row.state == AgentState.LOGGED_OUT:
        return False
    if row.state in BUSY:
        raise Conflict(
            "L'agent est en communication (ou un appel lui est réservé) : "
            "réessayez à la fin de son appel."
        )
    if row.state == AgentState.WRAP_UP:
        pause(session, user_id, "compte modifié par un administrateur", now)
    log_out(session, user_id, now)
    return True
