"""What the supervisor must not miss: abandons nearing the target, long pauses, help asked."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from dialer.campaigns.models import Campaign
from dialer.engine.agents import AgentState
from dialer.engine.callcontrol.models import HelpRequest
from dialer.engine.callcontrol.wall import (
    ABANDON_WARNING_SHARE,
    PAUSE_ALERT,
    Alert,
    WallRow,
    abandon_share,
)

ABANDON_WINDOW = timedelta(hours=1)


def percent_fr(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + "\u202f%"


def alerts(db: Session, campaign_ids: list[int], rows: list[WallRow], now: datetime) -> list[Alert]:
    found = [Alert("help", f"{r.name} demande de l'aide") for r in rows if r.help_requested]
    for row in rows:
        if row.state == AgentState.PAUSED and row.seconds_in_state >= PAUSE_ALERT.total_seconds():
            minutes = row.seconds_in_state // 60
            found.append(Alert("pause", f"{row.name} est en pause depuis {minutes} min"))
    for campaign_id in campaign_ids:
        campaign = db.get(Campaign, campaign_id)
        share = abandon_share(db, campaign_id, now - ABANDON_WINDOW)
        if campaign is None or share is None:
            continue
        if share >= campaign.abandon_target * ABANDON_WARNING_SHARE:
            text = (
                f"{campaign.name} : taux d'abandon de {percent_fr(share)} sur la dernière heure "
                f"(objectif {percent_fr(campaign.abandon_target)})"
            )
            found.append(Alert("abandon", text))
    return found


def ask_help(
    db: Session, user_id: int, campaign_id: int | None, attempt_id: int | None, now: datetime
) -> HelpRequest:
    """The agent's open request (one at a time: asking twice changes nothing)."""
    open_one = db.exec(
        select(HelpRequest).where(
            HelpRequest.user_id == user_id, col(HelpRequest.handled_at).is_(None)
        )
    ).first()
    if open_one is not None:
        return open_one
    request = HelpRequest(
        user_id=user_id, campaign_id=campaign_id, attempt_id=attempt_id, requested_at=now
    )
    db.add(request)
    db.flush()
    return request


def take_help(db: Session, user_id: int, by: str, now: datetime) -> int:
    """Close the agent's open requests; how many were open."""
    rows = db.exec(
        select(HelpRequest).where(
            HelpRequest.user_id == user_id, col(HelpRequest.handled_at).is_(None)
        )
    ).all()
    for row in rows:
        row.handled_at, row.handled_by = now, by
        db.add(row)
    db.flush()
    return len(rows)
