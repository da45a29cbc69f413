"""Two days side by side: one without faults, one with, and what must agree.

Must match exactly (``MUST_MATCH``): everything decided before the first call
(the campaigns and the people they share, file rows, rejected rows, people
imported, fund opt-outs, wave sizes), and, person by person, the outcome of
every person reached in both runs (the agents' policy is drawn from the seed,
the contact and its earlier outcomes, so a fault may delay a call but never
change what the person says).

May differ (``MAY_DIFFER``): counts that depend on which calls fitted in the
day, i.e. calls, people reached, outcome totals, abandons, occupancy and people
left. A fault delays calls (an AMI connection lost, a worker killed, a slow
PBX), so some people reached in one run are not reached in the other; these
figures differ by exactly those delayed people, which the comparison lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import Outcome
from proving.day.summary import DaySummary, summary_lines

MUST_MATCH = (
    "campaigns", "people", "people_in_two_campaigns", "two_territories", "phone_only",
    "file_rows", "rejected_rows", "imported", "opted_out_by_fund", "wave_size",
    "signed_out_refused", "signed_out_tried",
)  # fmt: skip
MAY_DIFFER = (
    "calls", "people_reached", "interviews_accepted", "interviews_refused", "offers_accepted",
    "offers_refused", "callbacks", "contact_changes", "opted_out_on_call", "abandoned",
    "abandon_rate", "occupancy", "people_left",
)  # fmt: skip

OutcomeKey = tuple[str | None, str | None, bool, bool]


@dataclass(frozen=True)
class Comparison:
    mismatched_figures: list[str]
    reached_in_both: int
    only_without_faults: int
    only_with_faults: int
    different_outcomes: list[int]  # contact ids whose first outcome differs

    @property
    def ok(self) -> bool:
        return not self.mismatched_figures and not self.different_outcomes


def first_outcomes(engine: Engine, campaign_ids: list[int]) -> dict[int, OutcomeKey]:
    """Each contact's first outcome, as what the person said (not when)."""
    with Session(engine) as session:
        rows = session.exec(
            select(Outcome)
            .where(col(Outcome.campaign_id).in_(campaign_ids))
            .order_by(col(Outcome.id))
        ).all()
    found: dict[int, OutcomeKey] = {}
    for row in rows:
        found.setdefault(row.contact_id, (
            row.interview, row.offer, row.callback_at is not None,
            row.consent_changes.get("call") == "opt_out",
        ))  # fmt: skip
    return found


def compare(calm: DaySummary, faulty: DaySummary, calm_outcomes: dict[int, OutcomeKey],
            faulty_outcomes: dict[int, OutcomeKey]) -> Comparison:  # fmt: skip
    mismatched = [name for name in MUST_MATCH if getattr(calm, name) != getattr(faulty, name)]
    both = calm_outcomes.keys() & faulty_outcomes.keys()
    different = sorted(c for c in both if calm_outcomes[c] != faulty_outcomes[c])
    return Comparison(
        mismatched, len(both), len(calm_outcomes.keys() - both),
        len(faulty_outcomes.keys() - both), different,
    )  # fmt: skip


def side_by_side(calm: DaySummary, faulty: DaySummary, comparison: Comparison) -> str:
    pairs = zip(summary_lines(calm), summary_lines(faulty), strict=True)
    width = max(len(label) for label, _ in summary_lines(calm))
    lines = [f"  {'':{width}}   {'sans panne':>22}   {'avec pannes':>22}"]
    lines += [f"  {a[0]:{width}}   {a[1]:>22}   {b[1]:>22}" for a, b in pairs]
    lines += [
        f"Personnes jointes dans les deux journées : {comparison.reached_in_both}",
        f"Jointes seulement sans panne (appels retardés par les pannes) : "
        f"{comparison.only_without_faults}",
        f"Jointes seulement avec pannes : {comparison.only_with_faults}",
    ]
    if comparison.mismatched_figures:
        lines.append("ÉCART sur des chiffres qui doivent être égaux : "
                     + ", ".join(comparison.mismatched_figures))  # fmt: skip
    if comparison.different_outcomes:
        lines.append(f"ÉCART : {len(comparison.different_outcomes)} personne(s) jointe(s) deux "
                     "fois avec un résultat différent")  # fmt: skip
    if comparison.ok:
        lines.append("Les deux journées concordent (seuls diffèrent les appels retardés).")
    return "\n".join(lines)
