"""Rule 5: at the end of the day every attempt of the period has its final result."""

from __future__ import annotations

from checker.day import Day
from checker.report import Breach, RuleResult

RULE = "unfinished_attempt"


def check(day: Day) -> RuleResult:
    breaches = []
    for attempt_id in sorted(day.period_attempt_ids):
        attempt = day.attempts[attempt_id]
        if attempt.result is None:
            detail = (
                f"tentative créée le {attempt.created_at:%d/%m/%Y à %H:%M:%S} UTC "
                f"(campagne {attempt.campaign_id}) restée sans résultat final"
            )
            breaches.append(Breach(RULE, f"tentative {attempt_id}", detail))
    return RuleResult(RULE, len(day.period_attempt_ids), breaches)
