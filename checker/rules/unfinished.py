"""Rule 5: at the end of the day every attempt of the period has its final result,
and every call the PBX accepted has ended in its dial log."""

from __future__ import annotations

from checker.day import Day
from checker.report import Breach, RuleResult

RULE = "unfinished_attempt"


def _open_attempts(day: Day) -> list[Breach]:
    breaches = []
    for attempt_id in sorted(day.period_attempt_ids):
        attempt = day.attempts[attempt_id]
        if attempt.result is None:
            detail = (
                f"tentative créée le {attempt.created_at:%d/%m/%Y à %H:%M:%S} UTC "
                f"(campagne {attempt.campaign_id}) restée sans résultat final"
            )
            breaches.append(Breach(RULE, f"tentative {attempt_id}", detail))
    return breaches


def _open_calls(day: Day) -> list[Breach]:
    return [
        Breach(RULE, call.label, f"appel composé à {call.at:%H:%M:%S} UTC jamais terminé")
        for call in day.calls
        if call.ended_at is None and call.result is None
    ]


def check(day: Day) -> RuleResult:
    breaches = _open_attempts(day) + _open_calls(day)
    return RuleResult(RULE, len(day.period_attempt_ids) + len(day.calls), breaches)
