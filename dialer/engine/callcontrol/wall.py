"""The supervisor's wall: agents' live states, waves' progress, alerts.

Reads what the agents' desks and the dialer already write; shows of a call only the
fund's row reference of the person, never a name nor a theme field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, Wave, WaveMember
from dialer.campaigns.waves.states import WaveStatus
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.engine.agents import AgentState
from dialer.engine.callcontrol.models import HelpRequest
from telephony.results import CallResult

PAUSE_ALERT = timedelta(minutes=15)
# Warn before the target is reached, while pacing can still slow down.
ABANDON_WARNING_SHARE = 0.8
ON_A_CALL = (AgentState.ON_CALL, AgentState.RESERVED, AgentState.WRAP_UP)


@dataclass(frozen=True)
class WallRow:
    user_id: int
    name: str
    state: str
    seconds_in_state: int
    campaign_id: int | None
    campaign: str
    person_ref: str | None
    attempt_id: int | None
    help_requested: bool


@dataclass(frozen=True)
class WaveProgress:
    wave_id: int
    campaign: str
    name: str
    members: int
    done: int


@dataclass(frozen=True)
class Alert:
    kind: str  # abandon, pause, help
    text: str


def agent_rows(db: Session, campaign_ids: list[int], now: datetime) -> list[WallRow]:
    if not campaign_ids:
        return []
    query = (
        select(AgentPresence, User)
        .join(User, col(User.id) == col(AgentPresence.user_id))
        .where(col(AgentPresence.campaign_id).in_(campaign_ids))
        .where(AgentPresence.state != AgentState.LOGGED_OUT)
        .order_by(col(User.full_name))
    )
    names = _campaign_names(db, campaign_ids)
    helping = _open_help(db, campaign_ids)
    rows = []
    for presence, user in db.exec(query):
        attempt = presence.attempt_id if presence.state in ON_A_CALL else None
        rows.append(
            WallRow(
                user.id or 0, user.full_name, presence.state,
                max(0, int((now - presence.since).total_seconds())), presence.campaign_id,
                names.get(presence.campaign_id or 0, ""), _person_ref(db, attempt), attempt,
                (user.id or 0) in helping,
            )
        )  # fmt: skip
    return rows


def _campaign_names(db: Session, campaign_ids: list[int]) -> dict[int, str]:
    query = select(Campaign.id, Campaign.name).where(col(Campaign.id).in_(campaign_ids))
    return {cid or 0: name for cid, name in db.exec(query)}


def _person_ref(db: Session, attempt_id: int | None) -> str | None:
    if attempt_id is None:
        return None
    attempt = db.get(CallAttempt, attempt_id)
    contact = db.get(CampaignContact, attempt.contact_id) if attempt is not None else None
    if contact is None:
        return None
    return contact.row_ref or f"n° {contact.id}"


def _open_help(db: Session, campaign_ids: list[int]) -> set[int]:
    query = select(HelpRequest.user_id).where(
        col(HelpRequest.campaign_id).in_(campaign_ids), col(HelpRequest.handled_at).is_(None)
    )
    return set(db.exec(query))


def wave_progress(db: Session, campaign_ids: list[int]) -> list[WaveProgress]:
    if not campaign_ids:
        return []
    names = _campaign_names(db, campaign_ids)
    waves = db.exec(
        select(Wave)
        .where(col(Wave.campaign_id).in_(campaign_ids))
        .where(col(Wave.status).in_([WaveStatus.RUNNING, WaveStatus.PAUSED]))
        .order_by(col(Wave.starts_at))
    )
    progress = []
    for wave in waves:
        members = select(func.count()).select_from(WaveMember).where(WaveMember.wave_id == wave.id)
        done = (
            select(func.count())
            .select_from(WaveMember)
            .join(CampaignContact, col(CampaignContact.id) == col(WaveMember.contact_id))
            .where(WaveMember.wave_id == wave.id, CampaignContact.status == ContactStatus.DONE)
        )
        total, finished = db.exec(members).one(), db.exec(done).one()
        progress.append(
            WaveProgress(wave.id or 0, names.get(wave.campaign_id, ""), wave.name, total, finished)
        )
    return progress


def abandon_share(db: Session, campaign_id: int, since: datetime) -> float | None:
    """Abandoned among reached calls since ``since``; None before any reached call."""
    query = (
        select(CallAttempt.result, func.count())
        .where(CallAttempt.campaign_id == campaign_id, col(CallAttempt.created_at) >= since)
        .where(col(CallAttempt.result).in_([CallResult.ANSWERED, CallResult.ABANDONED]))
        .group_by(col(CallAttempt.result))
    )
    counts = {result: n for result, n in db.exec(query)}
    reached = sum(counts.values())
    return counts.get(CallResult.ABANDONED, 0) / reached if reached else None
