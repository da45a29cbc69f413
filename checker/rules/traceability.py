"""Rule 6: outcomes, feed events and the dial log agree with one another.

- An outcome that says something (interview, offer, wrong person, follow-up,
  changes, callback) has at least one feed event; a feed event naming an
  outcome names one that exists.
- Every call in the dial log names exactly one existing attempt, and no attempt
  is dialled twice. An attempt whose result only the PBX can give (answered,
  busy, no answer, congestion, abandoned, machine) must be in the log: failed,
  invalid or disconnected attempts may never have reached the PBX.
"""

from __future__ import annotations

from collections import Counter

from checker.day import Day
from checker.db import as_bool, as_json, fetch
from checker.report import Breach, RuleResult

RULE = "traceability"
PBX_RESULTS = frozenset({"answered", "busy", "no_answer", "congestion", "abandoned", "machine"})

_OUTCOMES = """
SELECT o.id, o.wrong_person, o.interview, o.offer, o.followup_category, o.followup_text,
       o.contact_changes, o.consent_changes, o.callback_at,
       (SELECT COUNT(*) FROM feedevent f WHERE f.outcome_id = o.id) AS events
FROM outcome o WHERE {condition}
"""
_ORPHAN_EVENTS = """
SELECT f.id, f.fund_id, f.seq, f.outcome_id FROM feedevent f
LEFT JOIN outcome o ON o.id = f.outcome_id
WHERE f.outcome_id IS NOT NULL AND o.id IS NULL
"""


def _says_something(row: dict[str, object]) -> bool:
    return bool(
        as_bool(row["wrong_person"])
        or row["interview"]
        or row["offer"]
        or row["followup_category"]
        or row["followup_text"]
        or as_json(row["contact_changes"])
        or as_json(row["consent_changes"])
        or row["callback_at"]
    )


def _outcomes_and_events(day: Day) -> tuple[int, list[Breach]]:
    condition, params = day.where_since("o.created_at")
    rows = fetch(day.conn, _OUTCOMES.format(condition=condition), **params)
    breaches = [
        Breach(RULE, f"résultat {row['id']}", "résultat d'appel sans aucun événement de flux")
        for row in rows
        if int(row["events"]) == 0 and _says_something(dict(row))
    ]
    for row in fetch(day.conn, _ORPHAN_EVENTS):
        event = f"l'événement n° {row['seq']} de la caisse {row['fund_id']}"
        detail = f"{event} renvoie à un résultat absent"
        breaches.append(Breach(RULE, f"résultat {row['outcome_id']}", detail))
    return len(rows), breaches


def _log_and_attempts(day: Day) -> list[Breach]:
    breaches = []
    dialled = Counter(c.attempt_id for c in day.calls if c.attempt_id is not None)
    for call in day.calls:
        if call.attempt_id is None:
            breaches.append(Breach(RULE, call.label, "appel sans ATTEMPT_ID"))
        elif call.attempt_id not in day.attempts:
            detail = f"appel d'une tentative {call.attempt_id} absente de la base"
            breaches.append(Breach(RULE, call.label, detail))
    for attempt_id, times in sorted(dialled.items()):
        if times > 1:
            detail = f"tentative composée {times} fois dans le journal du PBX"
            breaches.append(Breach(RULE, f"tentative {attempt_id}", detail))
    for attempt_id in sorted(day.period_attempt_ids - set(dialled)):
        attempt = day.attempts[attempt_id]
        if attempt.result in PBX_RESULTS or attempt.answered_at is not None:
            detail = f"résultat « {attempt.result} » sans appel dans le journal du PBX"
            breaches.append(Breach(RULE, f"tentative {attempt_id}", detail))
    return breaches


def check(day: Day) -> RuleResult:
    outcomes, breaches = _outcomes_and_events(day)
    breaches += _log_and_attempts(day)
    return RuleResult(RULE, outcomes + len(day.calls), breaches)
