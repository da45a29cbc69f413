"""Manual dial: an agent calls one chosen person of their campaign, inside the dialer's rules.

Nothing here dials. The call is held for the agent exactly as a preview is
(``dialer.engine.calling.preview``): the contact is claimed by ``claim_contact``,
the same transaction, rules and live-call locks as the dialer's own claims
(consent, limitation, caps, calling windows, one live call per person across
campaigns), the agent is reserved, and the attempt is marked ``preview``. The
desk then asks the worker to call it (``CallControl.dial_preview``), which checks
the window again, reads consent once more right before sending and originates
through the same path as every other call. No number is ever typed: the number
is the person's, chosen by the claim.

Refusals carry a stable ``code`` (for the access trail) and a French message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility import Block, check_contact
from dialer.campaigns.models import Campaign
from dialer.campaigns.selection.candidates import campaign_policy
from dialer.campaigns.selection.claim import claim_contact
from dialer.campaigns.selection.facts import load_facts
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.core.db import session_scope
from dialer.core.errors import DomainError
from dialer.engine.calling import presence
from dialer.engine.calling.dialing import give_back
from dialer.engine.calling.preview import PREVIEW
from dialer.engine.calling.snapshot import DialTarget, dial_targets

NOT_ALLOWED_FR = "L'appel manuel n'est pas ouvert sur cette campagne."
NOT_IN_CAMPAIGN_FR = "Vous ne travaillez sur aucune campagne : rejoignez-en une d'abord."
OTHER_CAMPAIGN_FR = "Cette personne n'appartient pas à la campagne sur laquelle vous travaillez."
OTHER_FUND_FR = "Cette personne relève d'une autre caisse que celle de la campagne : appel refusé."
NOT_DIALLING_FR = "La campagne ne numérote pas en ce moment : appel manuel impossible."
NOT_CALLABLE_FR = "Cette personne ne peut pas être appelée maintenant : {reason}"
SEARCH_TOO_SHORT_FR = "Saisissez au moins 2 caractères (référence ou nom)."
SEARCH_MAX = 10


class ManualDialRefused(DomainError):
    """A manual dial the rules refuse; ``code`` names the rule, the message is French."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Match:
    """A person of the campaign found by an agent's search (what the desk shows)."""

    contact_id: int
    person_id: int
    reference: str
    first_name: str
    last_name: str
    city: str


def agent_campaign(
    session: Session, agent_user_id: int, *, require_manual: bool = True
) -> Campaign:
    """The campaign the agent works on, if it lets agents dial by hand.

    A callback the person asked for may be called now by hand (``require_manual``
    False) even where searching and dialling anybody is not allowed.
    """
    row = session.get(AgentPresence, agent_user_id)
    campaign = session.get(Campaign, row.campaign_id) if row and row.campaign_id else None
    if campaign is None:
        raise ManualDialRefused("no_campaign", NOT_IN_CAMPAIGN_FR)
    if require_manual and not campaign.manual_dial:
        raise ManualDialRefused("not_allowed", NOT_ALLOWED_FR)
    return campaign


def search_people(session: Session, campaign: Campaign, text: str) -> list[Match]:
    """People of this campaign whose reference is ``text`` or whose name starts with it.

    Only the campaign's own contacts are searched: a person of another campaign or
    fund is never found here, so a search tells nothing about them.
    """
    words = " ".join(text.split())
    if len(words) < 2:
        raise ManualDialRefused("search_too_short", SEARCH_TOO_SHORT_FR)
    pattern = words.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    full = func.lower(
        func.coalesce(Person.first_name, "") + " " + func.coalesce(Person.last_name, "")
    )
    query = (
        select(CampaignContact, Person)
        .join(Person, col(Person.id) == col(CampaignContact.person_id))
        .where(
            col(CampaignContact.campaign_id) == campaign.id,
            col(Person.fund_id) == campaign.fund_id,
            col(Person.anonymised_at).is_(None),
            or_(
                func.lower(col(CampaignContact.row_ref)) == words.lower(),
                func.lower(col(Person.last_name)).like(pattern),
                full.like(pattern),
            ),
        )
        .order_by(col(Person.last_name), col(Person.first_name), col(CampaignContact.id))
        .limit(SEARCH_MAX)
    )
    return [
        Match(
            contact_id=contact.id or 0,
            person_id=person.id or 0,
            reference=contact.row_ref or "",
            first_name=person.first_name or "",
            last_name=person.last_name or "",
            city=person.city or "",
        )  # fmt: skip
        for contact, person in session.exec(query)
    ]


def check_person(session: Session, campaign: Campaign, contact_id: int) -> CampaignContact:
    """The contact to call, only if it is this campaign's and its fund's person."""
    contact = session.get(CampaignContact, contact_id)
    if contact is None or contact.campaign_id != campaign.id:
        raise ManualDialRefused("other_campaign", OTHER_CAMPAIGN_FR)
    person = session.get(Person, contact.person_id)
    if person is None or person.fund_id != campaign.fund_id:
        raise ManualDialRefused("other_fund", OTHER_FUND_FR)
    return contact


def verdicts(
    session: Session, campaign_id: int, contact_ids: list[int], now: datetime
) -> dict[int, Block | None]:
    """Whether each contact may be called now, by the dialer's own rules (None: yes)."""
    if not contact_ids:
        return {}
    policy = campaign_policy(session.connection(), campaign_id)
    facts = load_facts(session, contact_ids, now)
    found: dict[int, Block | None] = {}
    for contact_id in contact_ids:
        if contact_id in facts:
            found[contact_id] = check_contact(facts[contact_id], policy, now)
    return found


def _target(session: Session, campaign_id: int, now: datetime) -> DialTarget:
    for target in dial_targets(session, now):
        if target.campaign_id == campaign_id:
            return target
    raise ManualDialRefused("not_dialling", NOT_DIALLING_FR)


def hold_manual_call(
    engine: Engine, agent_user_id: int, contact_id: int, worker_id: str, now: datetime,
    hold_seconds: int, *, require_manual: bool = True,
) -> int:  # fmt: skip
    """Claim the person and reserve the agent for a call to place now; the attempt id.

    ``ManualDialRefused`` (French) when a rule stops it; nothing is held then.
    """
    with session_scope(engine) as session:
        campaign = agent_campaign(session, agent_user_id, require_manual=require_manual)
        contact = check_person(session, campaign, contact_id)
        campaign_id = campaign.id or 0
        target = _target(session, campaign_id, now)
        if contact.status != ContactStatus.PENDING:
            reason = _status_reason(contact)
            raise ManualDialRefused("not_callable", NOT_CALLABLE_FR.format(reason=reason))
        # Judged before the agent is touched, so a refusal leaves a paused agent paused;
        # the claim judges again under its lock (only a race there frees the agent).
        block = verdicts(session, campaign_id, [contact_id], now).get(contact_id)
        if block is not None:
            raise ManualDialRefused("not_callable", NOT_CALLABLE_FR.format(reason=block.reason_fr))
        try:
            presence.reserve_for_manual_dial(session, agent_user_id, campaign_id, now, worker_id)
        except presence.PresenceError as error:
            raise ManualDialRefused("agent_busy", str(error)) from None
    claim = claim_contact(
        engine, campaign_id, contact_id, worker_id, now,
        wave_id=target.wave_id, lease_seconds=hold_seconds,
    )  # fmt: skip
    if isinstance(claim, Block):
        with session_scope(engine) as session:
            presence.release_agent(session, agent_user_id, now)
        raise ManualDialRefused("not_callable", NOT_CALLABLE_FR.format(reason=claim.reason_fr))
    with session_scope(engine) as session:
        attempt = session.get(CallAttempt, claim.attempt_id)
        assert attempt is not None
        attempt.agent_user_id, attempt.state = agent_user_id, PREVIEW
        session.add(attempt)
        presence.assign_call(session, agent_user_id, claim.attempt_id)
    return claim.attempt_id


def _status_reason(contact: CampaignContact) -> str:
    if contact.status == ContactStatus.IN_PROGRESS:
        return "un appel est déjà en cours ou en préparation."
    return "son traitement dans cette campagne est terminé."


def release_manual_call(
    engine: Engine, attempt_id: int, agent_user_id: int, worker_id: str, now: datetime
) -> None:
    """The call could not be placed: agent free, contact pending again, nothing counted."""
    with session_scope(engine) as session:
        attempt = session.get(CallAttempt, attempt_id)
        if attempt is None or attempt.state != PREVIEW or attempt.result is not None:
            return  # placed after all, or already given back by the placer
        give_back(session, attempt_id, attempt.contact_id, agent_user_id, worker_id, now)
