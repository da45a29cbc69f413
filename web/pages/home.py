"""The home page sends each role where its work is."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from dialer.accounts import Role
from dialer.campaigns.models import Campaign, CampaignAgent
from web.deps import CurrentUser, DbSession
from web.render import render

router = APIRouter()


@router.get("/")
def home(request: Request, user: CurrentUser, db: DbSession) -> Response:
    if user.role == Role.MANAGER:
        return RedirectResponse("/campagnes", status_code=303)
    if user.role == Role.SUPERVISOR:
        return RedirectResponse("/supervision", status_code=303)
    if user.role == Role.ADMIN:
        return RedirectResponse("/admin/utilisateurs", status_code=303)
    campaigns: list[Campaign] = []
    if user.role == Role.AGENT:
        enabled = select(CampaignAgent.campaign_id).where(CampaignAgent.user_id == user.id)
        query = select(Campaign).where(col(Campaign.id).in_(enabled)).order_by(Campaign.name)
        campaigns = list(db.exec(query))
    return render(request, "home.html", {"campaigns": campaigns})
