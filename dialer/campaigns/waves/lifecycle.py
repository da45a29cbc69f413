"""Scheduling a wave and moving it through its states, in the caller's session.

Every function takes naive UTC datetimes and the caller's session (the caller
commits). ``start_wave`` and ``finish_wave`` are idempotent, as the scheduler
needs: a job fired twice, by two workers or after a restart, changes nothing the
second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from dialer.campaigns.models import Campaign, CampaignStatus, Wave
from dialer.campaigns.policies import PacingMode
from dialer.campaigns.waves.cohort import choose_contacts, parse_cohort, parse_filter, store_members
from dialer.campaigns.waves.errors import WaveError
from dialer.campaigns.waves.overlap import WaveOverlap, overlapping_waves
from dialer.campaigns.waves.states import FINAL, WaveEvent, WaveStatus, next_status, parse_status
from dialer.contacts.funds import Fund
from dialer.core.columns import require_id, utcnow

NAME_MAX = 200


def naive_utc(moment: datetime) -> datetime:
    """The naive UTC datetime stored in the database, from an aware or naive UTC one."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise WaveError(f"Campagne introuvable : {campaign_id}.")
    if campaign.status == CampaignStatus.CLOSED:
        raise WaveError("La campagne est clôturée : aucune vague ne peut y être programmée.")
    return campaign


def _pacing(value: str) -> str:
    try:
        return PacingMode(value).value
    except ValueError:
        known = ", ".join(mode.value for mode in PacingMode)
        raise WaveError(f"Mode de numérotation inconnu : {value} ({known}).") from None


def _quota(session: Session, quota: Mapping[str, Any]) -> dict[int, int]:
    """Quota per fund code, checked, as a quota per fund id."""
    by_id: dict[int, int] = {}
    for code, limit in quota.items():
        fund = session.exec(select(Fund).where(Fund.code == code)).first()
        if fund is None or fund.id is None:
            known = ", ".join(session.exec(select(Fund.code).order_by(Fund.code)))
            raise WaveError(f"Caisse inconnue dans le quota : {code}. Caisses connues : {known}.")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise WaveError(f"Quota de la caisse {code} : un nombre entier positif est attendu.")
        by_id[fund.id] = limit
    return by_id


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise WaveError("La fin de la vague doit être postérieure à son début.")
    if ends_at <= now:
        raise WaveError("La fin de la vague est déjà passée.")


def schedule_wave(
    session: Session,
    campaign_id: int,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    cohort: str = "all",
    cohort_filter: Mapping[str, Any] | None = None,
    quota_per_fund: Mapping[str, Any] | None = None,
    pacing_mode: str = "progressive",
    pacing_params: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
    confirm_overlap: bool = False,
) -> Wave:
    """A new scheduled wave with its cohort fixed now (``WaveMember`` rows).

    A wave overlapping a live one with a shared cohort is refused (``WaveOverlap``)
    unless ``confirm_overlap`` says the manager saw it and confirmed.
    """
    starts_at, ends_at = naive_utc(starts_at), naive_utc(ends_at)
    campaign = _campaign(session, campaign_id)
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise WaveError(f"Le nom de la vague est obligatoire ({NAME_MAX} caractères au plus).")
    _check_times(starts_at, ends_at, now or utcnow())
    kind = parse_cohort(cohort)
    chosen = parse_filter(cohort_filter or {})
    if kind.value == "filter" and chosen.empty:
        raise WaveError("Une cohorte filtrée demande au moins un filtre (territoire, etc.).")
    quota = _quota(session, quota_per_fund or {})
    if not confirm_overlap:
        found = overlapping_waves(
            session, campaign_id, starts_at, ends_at, kind.value, chosen.as_json()
        )
        if found:
            raise WaveOverlap(found)
    wave = Wave(
        campaign_id=require_id(campaign),
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        cohort=kind.value,
        cohort_filter=chosen.as_json(),
        quota_per_fund=dict(quota_per_fund or {}),
        pacing_mode=_pacing(pacing_mode),
        pacing_params=dict(pacing_params or {}),
        created_at=now or utcnow(),
    )
    session.add(wave)
    session.flush()
    store_members(session, require_id(wave), choose_contacts(session, wave, kind, chosen, quota))
    return wave


def load_wave(session: Session, wave_id: int) -> Wave:
    # Locked on PostgreSQL: two schedulers firing the same job serialise here.
    wave = session.get(Wave, wave_id, with_for_update=True)
    if wave is None:
        raise WaveError(f"Vague introuvable : {wave_id}.")
    return wave


def _move(session: Session, wave: Wave, event: WaveEvent, now: datetime) -> Wave:
    status = next_status(parse_status(wave.status), event)
    wave.status = status.value
    if status in FINAL:
        wave.stopped_at = now
    session.add(wave)
    session.flush()
    return wave


def start_wave(session: Session, wave_id: int, now: datetime | None = None) -> Wave:
    """Start calling; a running wave is left as it is. The campaign becomes
    active, unless its manager paused it."""
    now = now or utcnow()
    wave = load_wave(session, wave_id)
    if wave.status == WaveStatus.RUNNING:
        return wave
    if wave.ends_at <= now:
        raise WaveError("L'heure de fin de la vague est passée : elle ne peut plus démarrer.")
    campaign = _campaign(session, wave.campaign_id)
    _move(session, wave, WaveEvent.START, now)
    # Started by hand before its time: it calls from now on, not from starts_at.
    wave.starts_at = min(wave.starts_at, now)
    wave.started_at = wave.started_at or now
    # A campaign the manager paused stays paused: its wave runs but nothing dials
    # until the manager resumes the campaign itself.
    if campaign.status != CampaignStatus.PAUSED:
        campaign.status = CampaignStatus.ACTIVE
    session.add(campaign)
    session.flush()
    return wave


def pause_wave(session: Session, wave_id: int, now: datetime | None = None) -> Wave:
    """No new call from this wave; the calls in progress go on to their end."""
    return _move(session, load_wave(session, wave_id), WaveEvent.PAUSE, now or utcnow())


def resume_wave(session: Session, wave_id: int, now: datetime | None = None) -> Wave:
    return _move(session, load_wave(session, wave_id), WaveEvent.RESUME, now or utcnow())


def stop_wave(session: Session, wave_id: int, now: datetime | None = None) -> Wave:
    """Stopped for good by a manager; the people it did not reach carry over."""
    return _move(session, load_wave(session, wave_id), WaveEvent.STOP, now or utcnow())


def finish_wave(session: Session, wave_id: int, now: datetime | None = None) -> Wave:
    """Its end time came; a wave already stopped or finished is left as it is."""
    wave = load_wave(session, wave_id)
    if parse_status(wave.status) in FINAL:
        return wave
    return _move(session, wave, WaveEvent.FINISH, now or utcnow())
