"""Answers, in French, to "why is this person not called?" and "why is nothing dialling?"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from dialer.campaigns.eligibility.facts import Block, BlockCode, ContactFacts, TerritoryBasis
from dialer.campaigns.eligibility.verdict import RULES, all_blocks, next_callable_at
from dialer.campaigns.eligibility.windows import to_local
from dialer.campaigns.policies import CallingPolicy
from dialer.contacts.territories import TERRITORIES
from dialer.wording import Kind, label

# Managers work from metropolitan France: campaign-wide times are shown in Paris time.
MANAGER_TIME_ZONE = "Europe/Paris"


_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_fr(local: datetime) -> str:
    """'lundi 3 mars 2026 à 10 h 00', independent of the process locale."""
    day = _DAYS_FR[local.weekday()]
    month = _MONTHS_FR[local.month - 1]
    return f"{day} {local.day} {month} {local.year} à {local.hour} h {local.minute:02d}"


@dataclass(frozen=True)
class ContactExplanation:
    contact_id: int
    callable_now: bool
    block: Block | None  # the first blocking rule, the one that decides
    blocks: tuple[Block, ...]  # every rule blocking now, in evaluation order
    next_callable_at: datetime | None  # naive UTC; None when never (or not within reach)
    next_callable_local: datetime | None  # the same, in the person's wall-clock time
    text_fr: str


def _next_text(facts: ContactFacts, block: Block, local: datetime | None) -> str:
    if local is not None:
        place = TERRITORIES[facts.territory].label
        return f"Prochaine possibilité d'appel : {format_fr(local)} (heure locale, {place})."
    if block.code == BlockCode.LIVE_CALL:
        return (
            "Appelable de nouveau une fois cet appel terminé, si les autres règles le permettent."
        )
    if block.until is None:
        return "Ne sera plus appelé tant que cette situation dure."
    return "Aucune possibilité d'appel trouvée dans les semaines à venir."


def _clock_text(facts: ContactFacts) -> str | None:
    """Whose local time the calls follow, when it is not simply the address's."""
    clocks = facts.clocks
    person = f"{TERRITORIES[facts.territory].label}, {facts.time_zone}"
    if len(clocks) > 1:
        number, zone = clocks[1]
        return (
            f"Heure locale de la personne ({person}) et du numéro appelé "
            f"({TERRITORIES[number].label}, {zone}) : un appel n'est permis que si "
            "les deux sont dans les jours et heures d'appel."
        )
    if facts.territory_basis == TerritoryBasis.FUND:
        return (
            "Territoire de la caisse retenu, ni l'adresse ni le numéro appelé ne "
            f"l'indiquant : heure locale de {person}."
        )
    if facts.number_e164 and facts.number_territory is None:
        return f"Territoire du numéro appelé indéterminable : seule l'heure de {person} compte."
    return None


def explain_contact(
    facts: ContactFacts, policy: CallingPolicy, now: datetime
) -> ContactExplanation:
    """Callable now or not, the deciding rule, the others, and the next possible time."""
    blocks = tuple(all_blocks(facts, policy, now))
    clock_text = _clock_text(facts)
    if not blocks:
        text = "\n".join(t for t in ("Appelable maintenant.", clock_text) if t)
        return ContactExplanation(facts.contact_id, True, None, (), now, None, text)
    first = blocks[0]
    next_at = next_callable_at(facts, policy, now)
    next_local = to_local(next_at, facts.time_zone) if next_at is not None else None
    lines = [f"Non appelable maintenant : {first.reason_fr}"]
    others = [label(Kind.BLOCK, b.code) for b in blocks[1:]]
    if others:
        lines.append("Également : " + ", ".join(others) + ".")
    lines.append(_next_text(facts, first, next_local))
    if clock_text:
        lines.append(clock_text)
    return ContactExplanation(
        facts.contact_id, False, first, blocks, next_at, next_local, "\n".join(lines)
    )


@dataclass(frozen=True)
class CampaignExplanation:
    total: int
    callable_now: int
    by_code: dict[str, int]  # contacts not callable, by first blocking rule, in rule order
    campaign_blocks: tuple[str, ...]  # wave_paused, no_agent_available
    next_lift_at: datetime | None  # naive UTC: earliest time a blocked contact may free up
    text_fr: str = field(default="")


def _campaign_blocks(agents_available: int, wave_paused: bool) -> tuple[str, ...]:
    codes: list[str] = []
    if wave_paused:
        codes.append(BlockCode.WAVE_PAUSED)
    if agents_available <= 0:
        codes.append(BlockCode.NO_AGENT_AVAILABLE)
    return tuple(codes)


def _headline(total: int, callable_now: int, campaign_blocks: tuple[str, ...]) -> str:
    if BlockCode.WAVE_PAUSED in campaign_blocks:
        return "Rien ne compose : la vague est en pause."
    if BlockCode.NO_AGENT_AVAILABLE in campaign_blocks:
        return "Rien ne compose : aucun agent n'est disponible."
    if total == 0:
        return "Rien ne compose : la sélection ne contient aucun contact."
    if callable_now == 0:
        return f"Rien ne compose : aucun des {total} contacts n'est appelable maintenant."
    return f"{callable_now} contact(s) sur {total} appelable(s) maintenant."


def _campaign_text(
    total: int,
    callable_now: int,
    by_code: dict[str, int],
    campaign_blocks: tuple[str, ...],
    next_lift_at: datetime | None,
) -> str:
    lines = [_headline(total, callable_now, campaign_blocks)]
    if callable_now and campaign_blocks:
        lines.append(f"{callable_now} contact(s) seraient appelables maintenant.")
    if by_code:
        lines.append("Contacts non appelables, par première règle bloquante :")
        lines.extend(f"- {label(Kind.BLOCK, code)} : {count}" for code, count in by_code.items())
    if callable_now == 0 and next_lift_at is not None:
        local = format_fr(to_local(next_lift_at, MANAGER_TIME_ZONE))
        lines.append(f"Première levée de blocage possible : {local} (heure de Paris).")
    return "\n".join(lines)


def summarise_campaign(
    blocks: Iterable[Block | None], *, agents_available: int, wave_paused: bool
) -> CampaignExplanation:
    """Counts callable contacts and the others by their first blocking rule.

    `blocks` holds check_contact's answer for each contact of the selection.
    """
    counts: Counter[str] = Counter()
    callable_now = 0
    lifts: list[datetime] = []
    for block in blocks:
        if block is None:
            callable_now += 1
            continue
        counts[block.code] += 1
        if block.until is not None:
            lifts.append(block.until)
    order: list[str] = [code for code, _rule in RULES]
    by_code: dict[str, int] = {code: counts[code] for code in order if counts[code]}
    by_code.update({code: n for code, n in counts.items() if code not in by_code})
    total = callable_now + sum(counts.values())
    campaign_blocks = _campaign_blocks(agents_available, wave_paused)
    next_lift_at = min(lifts) if lifts else None
    text = _campaign_text(total, callable_now, by_code, campaign_blocks, next_lift_at)
    return CampaignExplanation(total, callable_now, by_code, campaign_blocks, next_lift_at, text)
