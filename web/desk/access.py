"""Who may touch which call: an agent, its own attempts, in the campaign it works on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, select

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


def is_enabled(db: Session, user_id: int, campaign_id: int) -> bool:
    link = db.exec(
        select(CampaignAgent.id).where(
            CampaignAgent.user_id == user_id, CampaignAgent.campaign_id == campaign_id
        )
    ).first()
    return link is not None


def current_campaign_id(db: Session, user_id: int) -> int | None:
    row = db.get(AgentPresence, user_id)
    return row.campaign_id if row is not None else None


def load_call(db: Session, user: User, attempt_id: int) -> CallFile:
    """The attempt's file, or 403 unless it is this agent's, on its current campaign."""
    attempt = db.get(CallAttempt, attempt_id)
    user_id = user.id or 0
    if (
        attempt is None
        or attempt.agent_user_id != user_id
        or attempt.campaign_id != current_campaign_id(db, user_id)
        or not is_enabled(db, user_id, attempt.campaign_id)
    ):
        # One answer for "absent" and "not yours": ids must not be probed.
        raise french_error(403, NOT_YOURS_FR)
    campaign = db.get(Campaign, attempt.campaign_id)
    contact = db.get(CampaignContact, attempt.contact_id)
    person = db.get(Person, attempt.person_id)
    if campaign is None or contact is None or person is None or person.anonymised_at:
        raise french_error(410, "La fiche de cet appel n'existe plus.")
    outcome = db.exec(select(Outcome).where(Outcome.attempt_id == attempt_id)).first()
    fund = db.get(Fund, campaign.fund_id)
    return CallFile(attempt, campaign, contact, person, fund, outcome)


def open_call(db: DbSession, user: AgentUser, attempt_id: IdPath) -> CallFile:
    return load_call(db, user, attempt_id)


CallDep = Annotated[CallFile, Depends(open_call)]
