"""The day's figures, read back from the database, and their French summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, WaveMember
from dialer.engine.explain import explain_campaign
from proving.day.people import people_figures
from telephony.results import CallResult, is_reached


@dataclass(frozen=True)
class DaySummary:
    campaigns: int
    people: int
    people_in_two_campaigns: int
    two_territories: int
    phone_only: int
    file_rows: int
    rejected_rows: int
    imported: int
    opted_out_by_fund: int
    wave_size: int
    calls: int
    people_reached: int
    interviews_accepted: int
    interviews_refused: int
    offers_accepted: int
    offers_refused: int
    callbacks: int
    contact_changes: int
    opted_out_on_call: int
    abandoned: int
    abandon_rate: float
    abandon_target: float
    occupancy: float
    people_left: int
    signed_out_refused: int  # web processes that refused a signed-out agent's old cookie
    signed_out_tried: int
    why_left: str
    simulated_hours: float
    real_seconds: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class DayFacts:
    """What the run knows besides the database: the file, the agents, the durations."""

    campaign_ids: list[int]  # the commissioning fund's flu campaign first
    wave_ids: list[int]
    file_rows: int
    rejected_rows: int
    imported: int
    opted_out_by_fund: int
    agents: int
    simulated_seconds: float
    real_seconds: float
    time_factor: float = 1.0  # real seconds per simulated second
    signed_out_refused: int = 0
    signed_out_tried: int = 0


def summarise(engine: Engine, facts: DayFacts, end: datetime) -> DaySummary:
    """The day's figures over all its campaigns."""
    ids, waves = facts.campaign_ids, facts.wave_ids
    with Session(engine) as session:
        campaign = session.get(Campaign, ids[0])
        assert campaign is not None
        attempts = list(session.exec(select(CallAttempt).where(
            col(CallAttempt.campaign_id).in_(ids))))  # fmt: skip
        outcomes = list(session.exec(select(Outcome).where(col(Outcome.campaign_id).in_(ids))))
        members = set(session.exec(select(WaveMember.contact_id).where(
            col(WaveMember.wave_id).in_(waves))))  # fmt: skip
    # Answered or bridged is reached, even when an outage or a worker ended the line.
    reached = [a for a in attempts if is_reached(a.result, a.answered_at, a.connected_at)]
    abandoned = sum(1 for a in reached if a.result == CallResult.ABANDONED)
    settled = {o.contact_id for o in outcomes if o.callback_at is None}
    people = people_figures(engine, ids)
    return DaySummary(
        campaigns=len(ids), people=people.people,
        people_in_two_campaigns=people.in_two_campaigns,
        two_territories=people.two_territories, phone_only=people.phone_only,
        file_rows=facts.file_rows, rejected_rows=facts.rejected_rows, imported=facts.imported,
        opted_out_by_fund=facts.opted_out_by_fund, wave_size=len(members),
        calls=len(attempts), people_reached=len({a.contact_id for a in reached}),
        interviews_accepted=_count(outcomes, "interview", "accepted"),
        interviews_refused=_count(outcomes, "interview", "refused"),
        offers_accepted=_count(outcomes, "offer", "accepted"),
        offers_refused=_count(outcomes, "offer", "refused"),
        callbacks=sum(1 for o in outcomes if o.callback_at is not None),
        contact_changes=sum(1 for o in outcomes if o.contact_changes),
        opted_out_on_call=sum(1 for o in outcomes if o.consent_changes.get("call") == "opt_out"),
        abandoned=abandoned, abandon_rate=abandoned / len(reached) if reached else 0.0,
        abandon_target=campaign.abandon_target,
        occupancy=_occupancy(attempts, len(outcomes) * campaign.wrap_up_seconds, facts),
        people_left=len(members - settled), why_left=_why_left(engine, facts, end),
        signed_out_refused=facts.signed_out_refused, signed_out_tried=facts.signed_out_tried,
        simulated_hours=facts.simulated_seconds / 3600, real_seconds=facts.real_seconds,
    )  # fmt: skip


def _why_left(engine: Engine, facts: DayFacts, end: datetime) -> str:
    parts = []
    for campaign_id, wave_id in zip(facts.campaign_ids, facts.wave_ids, strict=True):
        why = explain_campaign(engine, campaign_id, end, wave_id=wave_id)
        parts.append(f"Campagne {campaign_id} :\n" + why.text_fr)
    return "\n".join(parts)


def _occupancy(attempts: list[CallAttempt], wrap_up_s: float, facts: DayFacts) -> float:
    """Talk and wrap-up time over the agents' whole day."""
    if not facts.agents:
        return 0.0
    talk = sum(
        (a.ended_at - a.connected_at).total_seconds()
        for a in attempts
        if a.connected_at is not None and a.ended_at is not None
    )
    busy = talk + wrap_up_s
    return busy / (facts.agents * facts.simulated_seconds)


def _count(outcomes: list[Outcome], name: str, value: str) -> int:
    return sum(1 for o in outcomes if getattr(o, name) == value)


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",")


def summary_lines(s: DaySummary) -> list[tuple[str, str]]:
    """(French label, value) pairs, in reading order; shared by the text and the comparison."""
    share = s.people_in_two_campaigns / s.people if s.people else 0.0
    return [
        ("Campagnes simultanées", str(s.campaigns)),
        ("Personnes distinctes", str(s.people)),
        ("Personnes dans deux campagnes", f"{s.people_in_two_campaigns} ({_pct(share)})"),
        ("Adresse et numéro dans deux territoires", str(s.two_territories)),
        ("Personnes connues par leur seul téléphone", str(s.phone_only)),
        ("Lignes des fichiers", str(s.file_rows)),
        ("Lignes rejetées", str(s.rejected_rows)),
        ("Personnes importées", str(s.imported)),
        ("Oppositions de la caisse (fichier)", str(s.opted_out_by_fund)),
        ("Personnes dans la vague", str(s.wave_size)),
        ("Appels passés", str(s.calls)),
        ("Personnes jointes", str(s.people_reached)),
        ("Entretiens acceptés", str(s.interviews_accepted)),
        ("Entretiens refusés", str(s.interviews_refused)),
        ("Offres acceptées", str(s.offers_accepted)),
        ("Offres refusées", str(s.offers_refused)),
        ("Rappels programmés", str(s.callbacks)),
        ("Changements de coordonnées", str(s.contact_changes)),
        ("Oppositions exprimées au téléphone", str(s.opted_out_on_call)),
        ("Appels abandonnés", str(s.abandoned)),
        ("Taux d'abandon", f"{_pct(s.abandon_rate)} (cible {_pct(s.abandon_target)})"),
        ("Occupation des agents", _pct(s.occupancy)),
        ("Personnes restant à traiter", str(s.people_left)),
        (
            "Session fermée rejouée : refusée par",
            f"{s.signed_out_refused} serveur(s) web sur {s.signed_out_tried}",
        ),
    ]


def summary_text(s: DaySummary) -> str:
    head = (f"Bilan de la journée ({s.simulated_hours:.1f} h simulées en "
            f"{s.real_seconds:.0f} s réelles)")  # fmt: skip
    width = max(len(label) for label, _ in summary_lines(s))
    body = [f"  {label.ljust(width)} : {value}" for label, value in summary_lines(s)]
    verdict = "dans la cible" if s.abandon_rate <= s.abandon_target else "AU-DESSUS de la cible"
    why = ["Pourquoi il reste des personnes :", *("  " + line for line in s.why_left.splitlines())]
    return "\n".join([head, *body, f"  Abandon {verdict}.", *why])
