"""What to do about « Pourquoi rien ne compose ? »: each blocking reason names its fix.

Pure: the explanation and the campaign's state in, the fixes out, most blocking
first. The pages turn each ``Fix`` into a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.eligibility import CampaignExplanation
from dialer.campaigns.eligibility.facts import BlockCode
from dialer.campaigns.models import Campaign, CampaignStatus, Wave
from dialer.campaigns.readiness import Fix
from dialer.campaigns.waves.states import WaveStatus


@dataclass(frozen=True)
class FixHint:
    fix: Fix
    label_fr: str


# A contact-level reason shared by most blocked contacts, and what changes it.
_BY_CODE: dict[str, FixHint] = {
    BlockCode.RETRY_DELAY: FixHint(Fix.RETRY_RULES, "Revoir les règles de relance"),
    BlockCode.OUTSIDE_WINDOW: FixHint(Fix.EDIT, "Revoir les plages horaires et les jours"),
    BlockCode.HOLIDAY: FixHint(Fix.EDIT, "Revoir les jours d'appel"),
    BlockCode.ATTEMPTS_EXHAUSTED: FixHint(Fix.EDIT, "Revoir le nombre de tentatives"),
    BlockCode.DONE: FixHint(Fix.IMPORT, "Importer de nouveaux contacts"),
}


@dataclass(frozen=True)
class CampaignState:
    status: str
    has_waves: bool
    wave_running_now: bool
    wave_paused_now: bool


def fixes_for(explanation: CampaignExplanation, state: CampaignState) -> list[FixHint]:
    hints: list[FixHint] = []
    if state.status == CampaignStatus.DRAFT:
        hints.append(FixHint(Fix.ACTIVATE, "Activer la campagne"))
    elif state.status == CampaignStatus.PAUSED:
        hints.append(FixHint(Fix.RESUME, "Reprendre la campagne"))
    if state.wave_paused_now or BlockCode.WAVE_PAUSED in explanation.campaign_blocks:
        hints.append(FixHint(Fix.WAVES, "Reprendre la vague en pause"))
    elif state.has_waves and not state.wave_running_now:
        hints.append(FixHint(Fix.WAVES, "Programmer ou démarrer une vague"))
    if BlockCode.NO_AGENT_AVAILABLE in explanation.campaign_blocks:
        hints.append(FixHint(Fix.AGENTS, "Voir les agents habilités"))
    if explanation.total == 0:
        hints.append(FixHint(Fix.IMPORT, "Importer un fichier de contacts"))
    elif explanation.callable_now == 0 and explanation.by_code:
        top = max(explanation.by_code, key=lambda code: explanation.by_code[code])
        if top in _BY_CODE:
            hints.append(_BY_CODE[top])
    unique: dict[Fix, FixHint] = {}
    for hint in hints:
        unique.setdefault(hint.fix, hint)
    return list(unique.values())


def campaign_state(engine: Engine, campaign_id: int, now: datetime) -> CampaignState:
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        waves = session.exec(select(Wave).where(col(Wave.campaign_id) == campaign_id)).all()
    now_live = [w for w in waves if w.starts_at <= now < w.ends_at]
    return CampaignState(
        status=campaign.status if campaign is not None else CampaignStatus.CLOSED,
        has_waves=bool(waves),
        wave_running_now=any(w.status == WaveStatus.RUNNING for w in now_live),
        wave_paused_now=any(w.status == WaveStatus.PAUSED for w in now_live),
    )
