"""What the loop dials for, and the pacing snapshot of each target, read from the database.

Which campaigns dial: a campaign with status ``active``. If it has waves, only its
waves with status ``running`` whose time span contains now are dialled, each as a
target of its own (its cohort, its pacing mode); if it has no wave at all, the
whole campaign is dialled with the campaign's pacing mode. A campaign with waves
none of which runs dials nothing: waves are how a manager schedules calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Campaign, CampaignStatus, MachineHandling, Wave
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.waves.states import WaveStatus
from dialer.core.columns import require_id
from dialer.engine.agents import AgentView, agent_view, settle
from dialer.engine.calling.presence import status_of
from dialer.engine.pacing import (
    CallPhase,
    CallStats,
    CallView,
    DayCounts,
    PacingMode,
    PacingParams,
    PacingSnapshot,
)
from telephony.results import CallResult

# An attempt still open after this long belongs to a dead worker, not to the line
# count: reconciliation closes it, pacing must not wait for it.
IN_FLIGHT_HORIZON = timedelta(minutes=10)
_PHASES = {
    "dialing": CallPhase.DIALING,
    "ringing": CallPhase.RINGING,
    "answered": CallPhase.ANSWERED_WAITING,
}


@dataclass(frozen=True)
class DialTarget:
    campaign_id: int
    wave_id: int | None
    params: PacingParams
    calling: CallingPolicy
    caller_id: str
    machine: str = MachineHandling.OFF  # the campaign's answering-machine handling


def _mode(value: str) -> PacingMode:
    try:
        return PacingMode(value)
    except ValueError:
        return PacingMode.PROGRESSIVE


def _target(campaign: Campaign, wave: Wave | None) -> DialTarget:
    calling = CallingPolicy.model_validate(campaign.calling_policy or {})
    params = PacingParams(
        mode=_mode(wave.pacing_mode if wave is not None else campaign.pacing_mode),
        abandon_target=campaign.abandon_target,
        abandon_grace_s=calling.abandon_after_seconds,
        ring_timeout_s=float(calling.ring_timeout_seconds),
    )
    return DialTarget(
        campaign_id=require_id(campaign),
        wave_id=wave.id if wave is not None else None,
        params=params,
        calling=calling,
        caller_id=campaign.caller_id,
        machine=campaign.answering_machine,
    )


def dial_targets(session: Session, now: datetime) -> list[DialTarget]:
    campaigns = session.exec(
        select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE).order_by(col(Campaign.id))
    ).all()
    targets: list[DialTarget] = []
    for campaign in campaigns:
        waves = session.exec(select(Wave).where(Wave.campaign_id == campaign.id)).all()
        if not waves:
            targets.append(_target(campaign, None))
            continue
        targets += [
            _target(campaign, wave)
            for wave in waves
            if wave.status == WaveStatus.RUNNING and wave.starts_at <= now < wave.ends_at
        ]
    return targets


def _agents(
    session: Session, campaign_id: int, now: datetime, stats: CallStats
) -> tuple[AgentView, ...]:
    rows = session.exec(select(AgentPresence).where(AgentPresence.campaign_id == campaign_id)).all()
    return tuple(
        agent_view(
            settle(status_of(row), now),
            now,
            mean_talk_seconds=stats.mean_talk_s,
            wrap_up_seconds=stats.mean_wrap_up_s,
        )
        for row in rows
    )


def _calls(session: Session, campaign_id: int, now: datetime) -> tuple[CallView, ...]:
    rows = session.exec(
        select(CallAttempt).where(
            CallAttempt.campaign_id == campaign_id,
            col(CallAttempt.result).is_(None),
            col(CallAttempt.connected_at).is_(None),
            CallAttempt.created_at >= now - IN_FLIGHT_HORIZON,
        )
    ).all()
    return tuple(
        CallView(
            phase=_PHASES.get(row.state, CallPhase.DIALING),
            age_s=max(0.0, (now - row.created_at).total_seconds()),
            reserved=row.agent_user_id is not None,
        )
        for row in rows
    )


def _today(session: Session, campaign_id: int, now: datetime) -> DayCounts:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = session.exec(
        select(CallAttempt.result, func.count())
        .where(
            CallAttempt.campaign_id == campaign_id,
            CallAttempt.created_at >= midnight,
            col(CallAttempt.result).in_([CallResult.ANSWERED.value, CallResult.ABANDONED.value]),
        )
        .group_by(col(CallAttempt.result))
    ).all()
    counts = {result: int(count) for result, count in rows}
    return DayCounts(
        answered=counts.get(CallResult.ANSWERED.value, 0),
        abandoned=counts.get(CallResult.ABANDONED.value, 0),
    )


def build_snapshot(
    session: Session, target: DialTarget, now: datetime, stats: CallStats
) -> PacingSnapshot:
    return PacingSnapshot(
        now=now,
        agents=_agents(session, target.campaign_id, now, stats),
        calls=_calls(session, target.campaign_id, now),
        stats=stats,
        today=_today(session, target.campaign_id, now),
    )
