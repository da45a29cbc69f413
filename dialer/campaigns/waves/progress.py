"""How far each wave of a campaign got: cohort size, people called, reached, done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import distinct
from sqlmodel import Session, col, func, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Wave, WaveMember
from dialer.campaigns.reach import reached_condition
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.core.columns import require_id


@dataclass(frozen=True)
class WaveProgress:
    wave: Wave
    cohort_size: int
    called: int  # members with at least one attempt in this wave
    reached: int  # members bridged to an agent in this wave
    done: int  # members whose contact is done (whichever wave finished them)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.cohort_size) if self.cohort_size else 0


def _counts(session: Session, query: Any) -> dict[int, int]:
    return {int(wave_id): int(count) for wave_id, count in session.exec(query).all()}


def campaign_waves(session: Session, campaign_id: int) -> list[WaveProgress]:
    """The campaign's waves, earliest start first, each with its figures."""
    waves = session.exec(
        select(Wave).where(Wave.campaign_id == campaign_id).order_by(col(Wave.starts_at))
    ).all()
    ids = [wave.id for wave in waves]
    members = _counts(
        session,
        select(WaveMember.wave_id, func.count())
        .where(col(WaveMember.wave_id).in_(ids))
        .group_by(col(WaveMember.wave_id)),
    )
    done = _counts(
        session,
        select(WaveMember.wave_id, func.count())
        .join(CampaignContact, col(CampaignContact.id) == col(WaveMember.contact_id))
        .where(col(WaveMember.wave_id).in_(ids), CampaignContact.status == ContactStatus.DONE)
        .group_by(col(WaveMember.wave_id)),
    )
    attempts = select(CallAttempt.wave_id, func.count(distinct(col(CallAttempt.contact_id)))).where(
        col(CallAttempt.wave_id).in_(ids)
    )
    called = _counts(session, attempts.group_by(col(CallAttempt.wave_id)))
    reached = _counts(
        session,
        attempts.where(reached_condition()).group_by(col(CallAttempt.wave_id)),
    )
    return [
        WaveProgress(
            wave=wave,
            cohort_size=members.get(require_id(wave), 0),
            called=called.get(require_id(wave), 0),
            reached=reached.get(require_id(wave), 0),
            done=done.get(require_id(wave), 0),
        )
        for wave in waves
    ]
