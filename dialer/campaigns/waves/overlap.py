"""Two live waves of one campaign at the same time calling the same people.

Their cohorts are fixed apart, so the same person would sit in both and the
dashboard's figures would count them twice: a manager must see it and confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from dialer.campaigns.models import Wave
from dialer.campaigns.waves.cohort import Cohort
from dialer.campaigns.waves.errors import WaveError
from dialer.campaigns.waves.states import LIVE
from dialer.campaigns.waves.times import paris_text


class WaveOverlap(WaveError):
    """The new wave overlaps live waves with a shared cohort; ``waves`` lists them."""

    def __init__(self, waves: list[Wave]) -> None:
        names = ", ".join(
            f"« {w.name} » (du {paris_text(w.starts_at)} au {paris_text(w.ends_at)})" for w in waves
        )
        super().__init__(
            f"Cette vague chevauche {names} avec une cohorte commune : les mêmes personnes "
            "seraient dans deux vagues à la fois. Confirmez pour la programmer quand même."
        )
        self.waves = waves


def _compatible(key: str, a: str, b: str) -> bool:
    if key == "postal_code_prefix":
        return a.startswith(b) or b.startswith(a)
    return a == b


def cohorts_share_people(
    kind_a: str, filter_a: Mapping[str, Any], kind_b: str, filter_b: Mapping[str, Any]
) -> bool:
    """Whether two cohorts may hold the same contacts (all and remaining hold everyone)."""
    if kind_a != Cohort.FILTER or kind_b != Cohort.FILTER:
        return True
    shared = set(filter_a) & set(filter_b)
    return all(_compatible(key, str(filter_a[key]), str(filter_b[key])) for key in shared)


def overlapping_waves(
    session: Session,
    campaign_id: int,
    starts_at: datetime,
    ends_at: datetime,
    cohort: str,
    cohort_filter: Mapping[str, Any],
) -> list[Wave]:
    live = session.exec(
        select(Wave)
        .where(
            Wave.campaign_id == campaign_id,
            col(Wave.status).in_([s.value for s in LIVE]),
            col(Wave.starts_at) < ends_at,
            col(Wave.ends_at) > starts_at,
        )
        .order_by(col(Wave.starts_at))
    ).all()
    return [
        w
        for w in live
        if cohorts_share_people(cohort, cohort_filter, w.cohort, w.cohort_filter or {})
    ]
