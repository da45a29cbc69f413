"""Answers to "why is nothing dialling?" and "why is this person not called?" from the database.

The pure ``dialer.campaigns.eligibility`` explanations get their facts here. A large
campaign is judged on an evenly spread sample of its contacts (every k-th id),
so the answer stays quick for the dashboard; the text says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from dialer.accounts.models import AgentPresence
from dialer.campaigns.eligibility import (
    CampaignExplanation,
    ContactExplanation,
    check_contact,
    explain_contact,
    summarise_campaign,
)
from dialer.campaigns.eligibility.windows import to_local
from dialer.campaigns.models import Campaign, CampaignStatus, Wave, WaveMember
from dialer.campaigns.selection.candidates import campaign_policy
from dialer.campaigns.selection.facts import load_facts
from dialer.campaigns.waves.states import WaveStatus
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.engine.models import TRUNK_STATE_FRESH_FOR, TrunkState
from dialer.wording import Kind, label

SAMPLE_LIMIT = 20_000
_cc = CampaignContact


class ContactNotFound(LookupError):
    """No contact of the campaign answers to the reference; the message is French."""


def find_contact(session: Session, campaign_id: int, ref: str) -> int:
    """A contact of the campaign by the fund's row reference, else by its number."""
    by_ref = select(col(_cc.id)).where(col(_cc.campaign_id) == campaign_id, col(_cc.row_ref) == ref)
    found = session.execute(by_ref).scalar_one_or_none()
    if found is None and ref.isdigit():
        by_id = select(col(_cc.id)).where(
            col(_cc.campaign_id) == campaign_id, col(_cc.id) == int(ref)
        )
        found = session.execute(by_id).scalar_one_or_none()
    if found is None:
        raise ContactNotFound(f"Contact introuvable dans cette campagne : {ref}.")
    return int(found)


def explain_one(engine: Engine, contact_id: int, now: datetime) -> ContactExplanation:
    """Why this contact is callable or not at ``now`` (naive UTC), and when next."""
    with Session(engine) as session:
        contact = session.get(CampaignContact, contact_id)
        if contact is None:
            raise ContactNotFound(f"Contact introuvable : {contact_id}.")
        policy = campaign_policy(session, contact.campaign_id)
        facts = load_facts(session, [contact_id], now)[contact_id]
    explanation = explain_contact(facts, policy, now)
    if contact.status != ContactStatus.IN_PROGRESS:
        return explanation
    note = "Un appel est en cours pour ce contact."
    return replace(explanation, text_fr=f"{note}\n{explanation.text_fr}")


def _population(campaign_id: int, wave_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(_cc.campaign_id) == campaign_id]
    if wave_id is not None:
        member = select(col(WaveMember.contact_id)).where(col(WaveMember.wave_id) == wave_id)
        conditions.append(col(_cc.id).in_(member))
    return conditions


def _contact_ids(
    session: Session, campaign_id: int, wave_id: int | None, limit: int
) -> tuple[list[int], int]:
    """The ids judged (all, or every k-th when over ``limit``) and the population size."""
    where = _population(campaign_id, wave_id)
    total = session.execute(select(func.count()).select_from(_cc).where(*where)).scalar_one()
    query = select(col(_cc.id), col(_cc.status)).where(*where)
    if total > limit:
        step = -(-total // limit)  # ceiling: at most ``limit`` ids are kept
        query = query.where(col(_cc.id) % step == 0)
    rows = session.execute(query.order_by(col(_cc.id)).limit(limit)).all()
    # A contact being dialled is neither callable nor blocked: it is left out.
    return [row.id for row in rows if row.status != ContactStatus.IN_PROGRESS], int(total)


def _agents_available(session: Session, campaign_id: int) -> int:
    query = select(func.count()).where(
        col(AgentPresence.campaign_id) == campaign_id, col(AgentPresence.state) == "available"
    )
    return int(session.execute(query).scalar_one())


def _current_wave(
    session: Session, campaign_id: int, wave_id: int | None, now: datetime
) -> tuple[bool, Wave | None]:
    """Whether the campaign has waves at all, and the one running or paused now."""
    waves = session.scalars(select(Wave).where(col(Wave.campaign_id) == campaign_id)).all()
    if wave_id is not None:
        return True, next((w for w in waves if w.id == wave_id), None)
    live = [
        w
        for w in waves
        if w.status in (WaveStatus.RUNNING, WaveStatus.PAUSED) and w.starts_at <= now < w.ends_at
    ]
    return bool(waves), max(live, key=lambda w: w.starts_at, default=None)


def _notes(campaign: Campaign, has_waves: bool, wave: Wave | None) -> list[str]:
    notes: list[str] = []
    if campaign.status != CampaignStatus.ACTIVE:
        status = label(Kind.CAMPAIGN_STATUS, campaign.status).lower()
        notes.append(f"La campagne n'est pas active (statut : {status}).")
    if has_waves and wave is None:
        notes.append("Aucune vague n'est en cours à cette heure.")
    return notes


def trunk_notes(engine: Engine, now: datetime) -> list[str]:
    """A box whose carrier trunk fails every call dials nothing: say so, and until when."""
    with Session(engine) as session:
        rows = session.scalars(
            select(TrunkState)
            .where(
                col(TrunkState.down_since).is_not(None),
                col(TrunkState.updated_at) >= now - TRUNK_STATE_FRESH_FOR,
            )
            .order_by(col(TrunkState.worker_id))
        ).all()
    return [
        f"Le trunk opérateur ne répond pas sur {row.worker_id} depuis "
        f"{paris_time(row.down_since)} (heure de Paris ; échecs réseau dans la dernière "
        f"minute : {row.recent_failures}) : ce poste ne compose plus et reprendra de lui-même "
        "dès qu'un appel d'essai aboutit. Vérifiez le trunk sur le PBX "
        "(pjsip show endpoint trunk)."
        for row in rows
        if row.down_since is not None
    ]


def paris_time(utc_naive: datetime) -> str:
    return to_local(utc_naive, "Europe/Paris").strftime("%H:%M")


def _sample_note(judged: int, total: int) -> str:
    return (
        f"Estimation sur un échantillon régulier de {judged} contacts "
        f"sur les {total} de la sélection."
    )


def explain_campaign(
    engine: Engine,
    campaign_id: int,
    now: datetime,
    *,
    wave_id: int | None = None,
    sample_limit: int = SAMPLE_LIMIT,
) -> CampaignExplanation:
    """How many contacts are callable at ``now`` and why the others are not.

    Counts are those of the contacts judged: all of them up to ``sample_limit``,
    otherwise an evenly spread sample, which the French text then announces.
    """
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} not found")
        policy = campaign_policy(session, campaign_id)
        ids, total = _contact_ids(session, campaign_id, wave_id, sample_limit)
        facts = load_facts(session, ids, now)
        agents = _agents_available(session, campaign_id)
        has_waves, wave = _current_wave(session, campaign_id, wave_id, now)
    blocks = (check_contact(facts[i], policy, now) for i in ids if i in facts)
    paused = wave is not None and wave.status == WaveStatus.PAUSED
    summary = summarise_campaign(blocks, agents_available=agents, wave_paused=paused)
    lines = _notes(campaign, has_waves, wave) + trunk_notes(engine, now)
    if total > sample_limit:
        lines.append(_sample_note(len(ids), total))
    if not lines:
        return summary
    return replace(summary, text_fr="\n".join([*lines, summary.text_fr]))


def explain_page(
    session: Session, campaign_id: int, contact_ids: list[int], now: datetime
) -> dict[int, ContactExplanation]:
    """The explanation of each contact of a list page, their facts read in one batch.

    Gives the list its « next possible call » as the dialler will judge it (calling
    windows, holidays, cross-campaign limits), not only the campaign's retry time.
    """
    policy = campaign_policy(session, campaign_id)
    facts = load_facts(session, contact_ids, now)
    return {cid: explain_contact(facts[cid], policy, now) for cid in contact_ids if cid in facts}
