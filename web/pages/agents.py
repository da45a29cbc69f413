"""Managers enable agents, one by one, on each campaign (need-to-know)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select

from dialer.accounts import Role
from dialer.accounts.models import User
from dialer.campaigns.models import CampaignAgent
from dialer.core.columns import require_id
from web.deps import DbSession, IdPath, ManagerUser
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render

router = APIRouter()


@router.get("/campagnes/{campaign_id}/agents")
def agents_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    campaign = load_campaign(db, campaign_id)
    agents = db.exec(select(User).where(User.role == Role.AGENT.value).order_by(User.full_name))
    enabled = {
        row.user_id: row
        for row in db.exec(select(CampaignAgent).where(CampaignAgent.campaign_id == campaign_id))
    }
    rows = [{"user": agent, "link": enabled.get(require_id(agent))} for agent in agents]
    return render(request, "campaigns/agents.html", {"campaign": campaign, "rows": rows})


def _agent(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None or user.role != Role.AGENT.value:
        raise french_error(404, "Agent introuvable.")
    return user


@router.post("/campagnes/{campaign_id}/agents/{user_id}/activer")
def enable_agent(
    campaign_id: IdPath, user_id: IdPath, manager: ManagerUser, db: DbSession
) -> Response:
    load_campaign(db, campaign_id)
    agent = _agent(db, user_id)
    if not agent.active:
        raise french_error(409, "Ce compte d'agent est désactivé : il ne peut pas être habilité.")
    existing = db.exec(
        select(CampaignAgent).where(
            CampaignAgent.campaign_id == campaign_id, CampaignAgent.user_id == user_id
        )
    ).first()
    if existing is None:
        db.add(CampaignAgent(campaign_id=campaign_id, user_id=user_id, enabled_by=manager.username))
        db.commit()
    return RedirectResponse(f"/campagnes/{campaign_id}/agents", status_code=303)


@router.post("/campagnes/{campaign_id}/agents/{user_id}/retirer")
def disable_agent(
    campaign_id: IdPath, user_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    load_campaign(db, campaign_id)
    _agent(db, user_id)
    for row in db.exec(
        select(CampaignAgent).where(
            CampaignAgent.campaign_id == campaign_id, CampaignAgent.user_id == user_id
        )
    ):
        db.delete(row)
    db.commit()
    return RedirectResponse(f"/campagnes/{campaign_id}/agents", status_code=303)
