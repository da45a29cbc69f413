"""Fixing a wave's cohort: which contacts of the campaign the wave will call.

The cohort is chosen once, when the wave is scheduled, and stored as
``WaveMember`` rows, so what a wave calls never shifts under the manager's feet:

- ``all``: every contact of the campaign not done yet;
- ``remaining``: the same, minus the people an earlier wave of the campaign
  bridged to an agent: the people a wave did not talk to carry over, also
  those it reached (``dialer.campaigns.reach``) only to abandon the call;
- ``filter``: the contacts not done that match a territory, a postal-code
  prefix and/or theme fields.

A quota per fund then keeps at most N contacts of each fund of affiliation, in
the order of the contact file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import Wave, WaveMember
from dialer.campaigns.waves.errors import WaveError
from dialer.contacts.people.models import CampaignContact, ContactStatus, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import require_id
from dialer.core.db import refresh_statistics
from dialer.wording import Kind, label

THEME_PREFIX = "theme."
_TRUE = {"oui", "true", "1", "vrai"}
_FALSE = {"non", "false", "0", "faux"}


class Cohort(StrEnum):
    ALL = "all"
    REMAINING = "remaining"
    FILTER = "filter"


COHORT_FR = {cohort: label(Kind.COHORT, cohort) for cohort in Cohort}


@dataclass(frozen=True)
class CohortFilter:
    territory: str | None = None
    postal_code_prefix: str | None = None
    theme_fields: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.territory or self.postal_code_prefix or self.theme_fields)

    def as_json(self) -> dict[str, str]:
        data = {f"{THEME_PREFIX}{k}": v for k, v in self.theme_fields.items()}
        if self.territory:
            data["territory"] = self.territory
        if self.postal_code_prefix:
            data["postal_code_prefix"] = self.postal_code_prefix
        return data


def parse_cohort(value: str) -> Cohort:
    try:
        return Cohort(value)
    except ValueError:
        raise WaveError(f"Cohorte inconnue : {value} (all, remaining ou filter).") from None


def parse_filter(raw: Mapping[str, Any]) -> CohortFilter:
    """``territory``, ``postal_code_prefix`` and ``theme.<field>`` keys, checked."""
    territory, prefix, theme = None, None, {}
    for key, value in raw.items():
        text = str(value).strip()
        if key == "territory":
            territory = _territory(text)
        elif key in ("postal_code_prefix", "postal_code"):
            if not text.isdigit() or len(text) > 5:
                raise WaveError(f"Début de code postal invalide : {text} (1 à 5 chiffres).")
            prefix = text
        elif key.startswith(THEME_PREFIX) and len(key) > len(THEME_PREFIX):
            theme[key.removeprefix(THEME_PREFIX)] = text
        else:
            raise WaveError(
                f"Filtre inconnu : {key} (territory, postal_code_prefix ou theme.<champ>)."
            )
    return CohortFilter(territory, prefix, theme)


def _territory(text: str) -> str:
    try:
        return Territory(text.lower()).value
    except ValueError:
        known = ", ".join(t.value for t in Territory)
        raise WaveError(f"Territoire inconnu : {text} ({known}).") from None


def _matches(theme_data: Mapping[str, Any], wanted: Mapping[str, str]) -> bool:
    return all(_same(theme_data.get(name), value) for name, value in wanted.items())


def _same(stored: Any, wanted: str) -> bool:
    if isinstance(stored, bool):
        return wanted.lower() in (_TRUE if stored else _FALSE)
    return stored is not None and str(stored).strip().lower() == wanted.lower()


def _reached_before(campaign_id: int, wave_id: int) -> Any:
    earlier = select(Wave.id).where(Wave.campaign_id == campaign_id, col(Wave.id) != wave_id)
    return select(CallAttempt.contact_id).where(
        col(CallAttempt.wave_id).in_(earlier), col(CallAttempt.connected_at).is_not(None)
    )


def choose_contacts(
    session: Session,
    wave: Wave,
    cohort: Cohort,
    cohort_filter: CohortFilter,
    quota_by_fund_id: Mapping[int, int],
) -> list[int]:
    """The contact ids of the wave's cohort, in the order of the contact file."""
    query = (
        select(CampaignContact.id, Person.fund_id, CampaignContact.theme_data)
        .join(Person, col(Person.id) == col(CampaignContact.person_id))
        .where(
            CampaignContact.campaign_id == wave.campaign_id,
            CampaignContact.status != ContactStatus.DONE,
        )
        .order_by(col(CampaignContact.id))
    )
    if cohort is Cohort.REMAINING:
        reached = _reached_before(wave.campaign_id, require_id(wave))
        query = query.where(col(CampaignContact.id).not_in(reached))
    if cohort is Cohort.FILTER:
        if cohort_filter.territory:
            query = query.where(Person.territory == cohort_filter.territory)
        if cohort_filter.postal_code_prefix:
            query = query.where(
                col(Person.postal_code).startswith(cohort_filter.postal_code_prefix)
            )
    rows: Sequence[Any] = session.exec(query).all()
    if cohort is Cohort.FILTER and cohort_filter.theme_fields:
        rows = [r for r in rows if _matches(r[2] or {}, cohort_filter.theme_fields)]
    return _apply_quota([(r[0], r[1]) for r in rows], quota_by_fund_id)


def _apply_quota(rows: Sequence[tuple[int, int]], quota: Mapping[int, int]) -> list[int]:
    taken: dict[int, int] = {}
    kept = []
    for contact_id, fund_id in rows:
        limit = quota.get(fund_id)
        if limit is not None and taken.get(fund_id, 0) >= limit:
            continue
        taken[fund_id] = taken.get(fund_id, 0) + 1
        kept.append(contact_id)
    return kept


def store_members(session: Session, wave_id: int, contact_ids: Sequence[int]) -> None:
    if contact_ids:
        session.execute(
            insert(WaveMember), [{"wave_id": wave_id, "contact_id": c} for c in contact_ids]
        )
        refresh_statistics(session, "wavemember")
