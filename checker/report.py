"""What a check found: breaches of the rules, and how much each rule examined."""

from __future__ import annotations

from dataclasses import dataclass, field

# French names of the rules, in the order the report lists them.
RULE_LABELS_FR: dict[str, str] = {
    "dial_log": "lisibilité du journal d'appels du PBX",
    "calling_window": "plages horaires, jours autorisés et jours fériés",
    "consent": "opposition aux appels et limitation du traitement",
    "contact_limits": "au plus 4 appels aboutis en 30 jours, 60 jours après un refus",
    "simultaneous_dial": "jamais deux appels simultanés vers la même personne",
    "unfinished_attempt": "toute tentative a un résultat final",
    "traceability": "résultats, flux et journal d'appels concordants",
    "feed_sequence": "numérotation continue du flux de chaque caisse",
    "need_to_know": "champs affichés limités au thème de la campagne",
    "agent_on_two_calls": "un agent n'est jamais sur deux appels à la fois",
    "stale_contact": (
        "en fin de journée, ni contact « en cours » sans bail, ni personne verrouillée, "
        "ni agent réservé sans appel"
    ),
}


@dataclass(frozen=True)
class Breach:
    rule: str
    subject: str  # what breached it, e.g. "tentative 12", "caisse 3"
    detail_fr: str


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict: how many items it looked at and what it found wrong."""

    rule: str
    examined: int
    breaches: list[Breach] = field(default_factory=list)


@dataclass
class CheckReport:
    breaches: list[Breach] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.breaches

    def add(self, result: RuleResult) -> None:
        self.counts[result.rule] = self.counts.get(result.rule, 0) + result.examined
        self.breaches.extend(result.breaches)

    def render_fr(self) -> str:
        """The report a person reads at the end of the day."""
        lines = ["Contrôle indépendant de la journée de campagne", ""]
        for rule, label in RULE_LABELS_FR.items():
            found = [b for b in self.breaches if b.rule == rule]
            verdict = "conforme" if not found else f"{len(found)} manquement(s)"
            examined = self.counts.get(rule, 0)
            lines.append(f"- {label} : {examined} élément(s) examiné(s), {verdict}")
            lines.extend(f"    • {b.subject} : {b.detail_fr}" for b in found)
        lines.append("")
        if self.ok:
            lines.append("Résultat : aucun manquement.")
        else:
            lines.append(f"Résultat : {len(self.breaches)} manquement(s) constaté(s).")
        return "\n".join(lines)
