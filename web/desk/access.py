"""Who may touch which call: an agent, its own attempts, in the campaign it works on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlmodel import Session, col

from dialer.accounts import Role
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
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


def load_call(db: Session, user: User, attempt_id: int) -> CallFile:
    """The attempt's file, or 403 unless it is this agent's, on its current campaign."""
    user_id = user.id or 0
    # One statement, not eight: every screen pop reads this, and on a busy floor each
    # statement is one more wait for the interpreter's lock (or the database's).
    row = db.execute(
        select(
            CallAttempt, Campaign, CampaignContact, Person, Fund, Outcome,
            col(AgentPresence.campaign_id), col(CampaignAgent.id),
        )
        .outerjoin(Campaign, col(Campaign.id) == col(CallAttempt.campaign_id))
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
    ).first()  # fmt: skip
    if row is None:
        raise french_error(403, NOT_YOURS_FR)
    attempt, campaign, contact, person, fund, outcome, current_campaign, enabled = row
    if (
        attempt.agent_user_id != user_id
        or attempt.campaign_id != current_campaign
        or enabled is None
    ):
        # One answer for "absent" and "not yours": ids must not be probed.
        raise french_error(403, NOT_YOURS_FR)
    if campaign is None or contact is None or person is None or person.anonymised_at:
        raise french_error(410, "La fiche de cet appel n'existe plus.")
    return CallFile(attempt, campaign, contact, person, fund, outcome)


def open_call(db: DbSession, user: AgentUser, attempt_id: IdPath) -> CallFile:
    return load_call(db, user, attempt_id)


CallDep = Annotated[CallFile, Depends(open_call)]
