"""What the campaign page adds about the campaign's life: state buttons, checklist, waves."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.lifecycle import allowed_campaign_events, campaign_status
from dialer.campaigns.models import Campaign
from dialer.campaigns.readiness import load_readiness
from dialer.campaigns.waves import STATUS_FR as WAVE_STATUS_FR
from dialer.campaigns.waves import WaveStatus, campaign_waves
from dialer.core.columns import require_id
from dialer.engine.explain import explain_campaign
from dialer.engine.explain_fixes import campaign_state, fixes_for
from web.pages.campaign_buttons import BUTTONS
from web.pages.campaign_links import fix_url

log = logging.getLogger(__name__)


def _waves(db: Session, campaign_id: int) -> list[dict[str, Any]]:
    return [
        {
            "wave": p.wave, "progress": p,
            "status": WAVE_STATUS_FR.get(WaveStatus(p.wave.status), p.wave.status),
        }
        for p in campaign_waves(db, campaign_id)
    ]  # fmt: skip


def why_idle(engine: Engine, campaign_id: int, now: datetime) -> dict[str, Any]:
    """The explanation's text and its fixes as links; empty when it cannot be judged."""
    try:
        explanation = explain_campaign(engine, campaign_id, now)
    except Exception:  # noqa: BLE001  (a failed explanation must not break the page or stream)
        log.exception("explaining campaign %s failed", campaign_id)
        return {"text": None, "fixes": []}
    hints = fixes_for(explanation, campaign_state(engine, campaign_id, now))
    fixes = [{"label": h.label_fr, "href": fix_url(campaign_id, h.fix)} for h in hints]
    return {"text": explanation.text_fr, "fixes": fixes}


def overview(db: Session, engine: Engine, campaign: Campaign, now: datetime) -> dict[str, Any]:
    campaign_id = require_id(campaign)
    items = load_readiness(db, campaign, now)
    db.commit()  # the theme's shipped script may just have become its version 1
    status = campaign_status(campaign)
    return {
        "readiness": [
            {"item": item, "href": fix_url(campaign_id, item.fix) if item.fix else None}
            for item in items
        ],
        "ready": all(item.met for item in items),
        "moves": [BUTTONS[event] for event in allowed_campaign_events(status)],
        "campaign_waves": _waves(db, campaign_id),
        "why": why_idle(engine, campaign_id, now),
    }
