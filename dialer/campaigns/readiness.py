"""What makes a campaign callable, item by item, each unmet one naming its fix.

The judgement is pure (``judge``); ``load_readiness`` gathers its facts. The fix
is a stable key (``Fix``) that the pages turn into a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from dialer.campaigns.caller_ids import caller_id_problem
from dialer.campaigns.models import Campaign, CampaignAgent, Wave
from dialer.campaigns.waves.states import LIVE
from dialer.campaigns.waves.times import paris_text
from dialer.contacts.people.models import CampaignContact
from dialer.core.columns import require_id
from dialer.core.french import count_fr
from scripts.checking import preview
from scripts.versions import current_version


class Fix(StrEnum):
    """Where a manager goes to meet an item (the pages map each to a URL)."""

    IMPORT = "import"
    SCRIPT = "script"
    AGENTS = "agents"
    WAVES = "waves"
    EDIT = "edit"
    ACTIVATE = "activate"
    RESUME = "resume"
    RETRY_RULES = "retry_rules"


@dataclass(frozen=True)
class ReadinessFacts:
    contacts_imported: int
    script_error: str | None
    agents_enabled: int
    next_wave: tuple[datetime, datetime] | None  # naive UTC start and end
    caller_id: str
    # A campaign that never had a wave dials in its calling windows once active
    # (dialer.engine.calling.snapshot); once it has waves, only during them.
    has_waves: bool = True


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label_fr: str
    met: bool
    detail_fr: str
    fix: Fix | None  # None once met


def _item(key: str, label: str, met: bool, detail: str, fix: Fix) -> ReadinessItem:
    return ReadinessItem(key, label, met, detail, None if met else fix)


NO_WAVE_FR = (
    "Aucune vague : active, la campagne compose dans ses plages horaires ; "
    "programmez une vague pour choisir quand et qui."
)


def _wave_detail(next_wave: tuple[datetime, datetime] | None, has_waves: bool) -> str:
    if not has_waves:
        return NO_WAVE_FR
    if next_wave is None:
        return "Aucune vague à venir : une campagne qui a des vagues ne compose que pendant elles."
    start, end = next_wave
    return f"Prochaine plage : du {paris_text(start)} au {paris_text(end)} (heure de Paris)."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def judge(facts: ReadinessFacts) -> list[ReadinessItem]:
    imported = facts.contacts_imported
    caller_problem = caller_id_problem(facts.caller_id)
    return [
        _item(
            "import", "Fichier de contacts importé", imported > 0,
            count_fr(imported, "contact importé", "contacts importés") if imported
            else "Aucun contact importé : importez le fichier de la caisse.", Fix.IMPORT,
        ),
        _item(
            "script", "Script d'appel valide", facts.script_error is None,
            facts.script_error or "Le script s'affiche sans erreur.", Fix.SCRIPT,
        ),
        _item(
            "agents", "Agents habilités", facts.agents_enabled > 0,
            count_fr(facts.agents_enabled, "agent habilité", "agents habilités")
            if facts.agents_enabled else "Aucun agent habilité sur la campagne.", Fix.AGENTS,
        ),
        _item(
            "wave", "Vague programmée", facts.next_wave is not None or not facts.has_waves,
            _wave_detail(facts.next_wave, facts.has_waves), Fix.WAVES,
        ),
        _item(
            "caller_id", "Numéro présenté autorisé", caller_problem is None,
            _sentence(caller_problem) if caller_problem
            else "Dans une tranche réservée aux automates d'appel.", Fix.EDIT,
        ),
    ]  # fmt: skip


def _next_wave(
    session: Session, campaign_id: int, now: datetime
) -> tuple[datetime, datetime] | None:
    wave = session.exec(
        select(Wave)
        .where(
            Wave.campaign_id == campaign_id,
            col(Wave.status).in_([s.value for s in LIVE]),
            col(Wave.ends_at) > now,
        )
        .order_by(col(Wave.starts_at))
    ).first()
    return None if wave is None else (max(wave.starts_at, now), wave.ends_at)


def _contacts(session: Session, campaign_id: int) -> int:
    # The contacts themselves, not the import jobs: a file imported from the
    # command line or by the demo counts just as well.
    total = session.exec(
        select(func.count())
        .select_from(CampaignContact)
        .where(CampaignContact.campaign_id == campaign_id)
    ).one()
    return int(total)


def load_facts(session: Session, campaign: Campaign, now: datetime) -> ReadinessFacts:
    campaign_id = require_id(campaign)
    script = current_version(session, campaign.theme, campaign_id)
    rendered = preview(script.body, campaign.theme)
    agents = session.exec(
        select(func.count())
        .select_from(CampaignAgent)
        .where(CampaignAgent.campaign_id == campaign_id)
    ).one()
    return ReadinessFacts(
        contacts_imported=_contacts(session, campaign_id),
        script_error=None if rendered.ok else rendered.error,
        agents_enabled=int(agents),
        next_wave=_next_wave(session, campaign_id, now),
        caller_id=campaign.caller_id,
        has_waves=session.exec(select(Wave.id).where(Wave.campaign_id == campaign_id)).first()
        is not None,
    )


def load_readiness(session: Session, campaign: Campaign, now: datetime) -> list[ReadinessItem]:
    return judge(load_facts(session, campaign, now))
