"""A wave's number within its campaign: what operators type (« GRIPPE-75 2 ») and read.

Numbers follow the order waves were scheduled in (1, 2, 3 …) and never change: waves
are never deleted, and a wave started early keeps its number though its start moves.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from dialer.campaigns.models import Wave
from dialer.campaigns.waves.errors import WaveError


def wave_numbers(session: Session, campaign_id: int) -> dict[int, int]:
    """Wave id → its number within the campaign."""
    ids = session.exec(
        select(Wave.id).where(Wave.campaign_id == campaign_id).order_by(col(Wave.id))
    ).all()
    return {int(wave_id): number for number, wave_id in enumerate(ids, start=1) if wave_id}


def wave_by_number(session: Session, campaign_id: int, campaign_code: str, number: int) -> Wave:
    """The campaign's wave numbered so; an unknown number names the ones that exist."""
    by_number = {n: wave_id for wave_id, n in wave_numbers(session, campaign_id).items()}
    wave = session.get(Wave, by_number[number]) if number in by_number else None
    if wave is None:
        if not by_number:
            raise WaveError(f"La campagne {campaign_code} n'a encore aucune vague.")
        known = ", ".join(str(n) for n in sorted(by_number))
        raise WaveError(
            f"Vague introuvable : {campaign_code} {number}. "
            f"Vagues de la campagne {campaign_code} : {known}."
        )
    return wave
