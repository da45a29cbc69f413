"""Who may touch which call: an agent, its own attempts, in the campaign it works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Integer, bindparam, select
from sqlmodel import Session, col

from dialer.accounts import Role
from dialer.accounts.models import AgentPresence, User, UserSession
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.compliance.privacy.guarded_append import Guard
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.kept_connections import compiled_for_psycopg
from web.deps import DbSession, IdPath, require_role
from web.refusals import french_error

AgentUser = Annotated[User, Depends(require_role(Role.AGENT))]
NOT_YOURS_FR = "Accès refusé : cet appel ne vous est pas confié sur votre campagne en cours."


@dataclass(frozen=True)
class CallFile:
    """Everything the panel of one attempt reads, loaded once the access is checked."""

    attempt: CallAttempt
    campaign: Campaign
    contact: CampaignContact
    person: Person
    fund: Fund | None
    outcome: Outcome | None


def _with_access_facts(query: Any) -> Any:
    """``query`` (over the attempt) joined to what decides the access, for the attempt
    ``:attempt_id`` and the agent ``:user_id``."""
    user_id = bindparam("user_id", type_=Integer)
    attempt_id = bindparam("attempt_id", type_=Integer)
    return (
        query.outerjoin(Campaign, col(Campaign.id) == col(CallAttempt.campaign_id))
        .outerjoin(CampaignContact, col(CampaignContact.id) == col(CallAttempt.contact_id))
        .outerjoin(Person, col(Person.id) == col(CallAttempt.person_id))
        .outerjoin(Fund, col(Fund.id) == col(Campaign.fund_id))
        .outerjoin(Outcome, col(Outcome.attempt_id) == col(CallAttempt.id))
        .outerjoin(AgentPresence, col(AgentPresence.user_id) == user_id)
        .outerjoin(
            CampaignAgent,
            (col(CampaignAgent.user_id) == user_id)
            & (col(CampaignAgent.campaign_id) == col(CallAttempt.campaign_id)),
        )
        .where(col(CallAttempt.id) == attempt_id)
        .limit(1)
    )


# Built once: every pop runs them, and building and keying a nine-table statement cost
# more of the interpreter than running it.
_LOAD_CALL = _with_access_facts(
    select(
        CallAttempt, Campaign, CampaignContact, Person, Fund, Outcome,
        col(AgentPresence.campaign_id), col(CampaignAgent.id),
    )
)  # fmt: skip
_CHECK_CALL = _with_access_facts(
    select(
        col(CallAttempt.agent_user_id), col(CallAttempt.campaign_id), col(CallAttempt.state),
        col(CallAttempt.connected_at), col(CallAttempt.ended_at), col(CallAttempt.result),
        col(AgentPresence.campaign_id), col(CampaignAgent.id), col(Campaign.id),
        col(CampaignContact.id), col(Person.id), col(Person.anonymised_at), col(Outcome.id),
        col(UserSession.id),
    ).select_from(CallAttempt)
).outerjoin(
    UserSession,
    (col(UserSession.id) == bindparam("session_id"))
    & (col(UserSession.user_id) == bindparam("user_id"))
    & col(UserSession.revoked_at).is_(None)
    & (col(UserSession.expires_at) > bindparam("now")),
)  # fmt: skip


def _refuse_unless_yours(
    user_id: int, agent_user_id: int | None, campaign_id: int, current: int | None, enabled: Any
) -> None:
    if agent_user_id != user_id or campaign_id != current or enabled is None:
        # One answer for "absent" and "not yours": ids must not be probed.
        raise french_error(403, NOT_YOURS_FR)


def load_call(db: Session, user: User, attempt_id: int) -> CallFile:
    """The attempt's file, or 403 unless it is this agent's, on its current campaign."""
    user_id = user.id or 0
    # One statement, not eight: every screen pop reads this, and on a busy floor each
    # statement is one more wait for the interpreter's lock (or the database's).
    row = db.execute(_LOAD_CALL, {"user_id": user_id, "attempt_id": attempt_id}).first()
    if row is None:
        raise french_error(403, NOT_YOURS_FR)
    attempt, campaign, contact, person, fund, outcome, current_campaign, enabled = row
    _refuse_unless_yours(
        user_id, attempt.agent_user_id, attempt.campaign_id, current_campaign, enabled
    )
    if campaign is None or contact is None or person is None or person.anonymised_at:
        raise french_error(410, "La fiche de cet appel n'existe plus.")
    return CallFile(attempt, campaign, contact, person, fund, outcome)


@dataclass(frozen=True)
class CallMoment:
    """What may have changed on a call since its file was read: its line and its outcome,
    and whether the stream's session is still open."""

    state: str
    connected_at: datetime | None
    ended_at: datetime | None
    result: str | None
    has_outcome: bool
    signed_in: bool


@dataclass(frozen=True)
class OpenSessionCheck:
    """The session (``UserSession.id``) that must still be open, as of ``now``."""

    session_id: str
    now: datetime


def check_call(db: Session, user: User, attempt_id: int, session: OpenSessionCheck) -> CallMoment:
    """The same access as ``load_call`` (403, 410), in plain columns: a call's file read
    earlier (``web.desk.pop.prepare_panel``) is shown only if this still holds.

    The same statement says whether the stream's session is still open
    (``CallMoment.signed_in``): the pop's checks cost one round trip, not two.
    """
    found = db.execute(_CHECK_CALL, _check_facts(user, attempt_id, session)).first()
    return moment_of(user, None if found is None else tuple(found))


# The same statement for a kept-open psycopg connection (``call_guard``).
_CHECK_COMPILED = compiled_for_psycopg(_CHECK_CALL)
_CHECK_SQL = str(_CHECK_COMPILED)


def call_guard(user: User, attempt_id: int, session: OpenSessionCheck) -> Guard:
    """``check_call``'s statement as a guard of the trail (PostgreSQL): its row goes to
    ``moment_of``."""
    facts = {**_CHECK_COMPILED.params, **_check_facts(user, attempt_id, session)}
    return Guard(_CHECK_SQL, facts)


def _check_facts(user: User, attempt_id: int, session: OpenSessionCheck) -> dict[str, Any]:
    return {"user_id": user.id or 0, "attempt_id": attempt_id,
            "session_id": session.session_id, "now": session.now}  # fmt: skip


def moment_of(user: User, found: tuple[Any, ...] | None) -> CallMoment:
    """The check's row read: 403 or 410 unless the access holds (see ``check_call``)."""
    if found is None:
        raise french_error(403, NOT_YOURS_FR)
    (agent, campaign_id, state, connected_at, ended_at, result, current, enabled,
     campaign, contact, person, anonymised_at, outcome, open_session) = found  # fmt: skip
    if open_session is None:
        return CallMoment(state, connected_at, ended_at, result, outcome is not None, False)
    _refuse_unless_yours(user.id or 0, agent, campaign_id, current, enabled)
    if campaign is None or contact is None or person is None or anonymised_at:
        raise french_error(410, "La fiche de cet appel n'existe plus.")
    return CallMoment(state, connected_at, ended_at, result, outcome is not None, True)


def open_call(db: DbSession, user: AgentUser, attempt_id: IdPath) -> CallFile:
    return load_call(db, user, attempt_id)


CallDep = Annotated[CallFile, Depends(open_call)]
