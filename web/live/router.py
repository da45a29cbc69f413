"""The live dashboard of a campaign: the page, a JSON snapshot and its SSE stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.models import Campaign
from dialer.core.columns import utcnow
from dialer.wording import Kind, label
from web.deps import DbSession, IdPath, ManagerUser, RuntimeDep
from web.live.snapshot import take_snapshot
from web.pages.campaign_overview import why_idle
from web.pages.campaigns import load_campaign
from web.render import render

router = APIRouter()
PUSH_EVERY_S = 1.5
# The "why is nothing dialling" judgement reads many contacts: refresh it less often.
EXPLAIN_EVERY = 4


# (French text, when it was judged: UTC ISO, the fixes as {label, href} links)
Why = tuple[str | None, str | None, list[dict[str, str]]]
NO_WHY: Why = (None, None, [])


def explain_text(engine: Engine, campaign_id: int) -> Why:
    now = utcnow()
    found = why_idle(engine, campaign_id, now)
    if found["text"] is None:
        return NO_WHY
    return found["text"] or None, now.isoformat(timespec="seconds"), found["fixes"]


def snapshot_json(engine: Engine, campaign_id: int, why: Why) -> dict[str, Any]:
    with Session(engine) as db:
        campaign = db.get(Campaign, campaign_id)
        if campaign is None:
            return {"error": "Campagne introuvable."}
        data = take_snapshot(db, campaign, utcnow()).as_json()
    data["why_idle"], data["why_at"], data["why_fixes"] = why
    return data


@router.get("/campagnes/{campaign_id}/tableau")
def dashboard(request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession) -> Response:
    campaign = load_campaign(db, campaign_id)
    context = {"campaign": campaign, "status": label(Kind.CAMPAIGN_STATUS, campaign.status)}
    return render(request, "live/dashboard.html", context)


@router.get("/campagnes/{campaign_id}/tableau/donnees")
def dashboard_data(
    campaign_id: IdPath, _user: ManagerUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    load_campaign(db, campaign_id)
    why = explain_text(runtime.engine, campaign_id)
    return JSONResponse(snapshot_json(runtime.engine, campaign_id, why))


async def _stream(request: Request, engine: Engine, campaign_id: int) -> AsyncGenerator[str, None]:
    yield "retry: 3000\n\n"
    why: Why = NO_WHY
    tick = 0
    while not await request.is_disconnected():
        if tick % EXPLAIN_EVERY == 0:
            why = await asyncio.to_thread(explain_text, engine, campaign_id)
        data = await asyncio.to_thread(snapshot_json, engine, campaign_id, why)
        yield f"event: snapshot\ndata: {json.dumps(data)}\n\n"
        tick += 1
        await asyncio.sleep(PUSH_EVERY_S)


@router.get("/campagnes/{campaign_id}/tableau/flux")
def dashboard_stream(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    load_campaign(db, campaign_id)
    db.close()  # the stream reads with its own short sessions
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _stream(request, runtime.engine, campaign_id),
        media_type="text/event-stream",
        headers=headers,
    )
