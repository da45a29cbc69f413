"""Rule 8: a screen pop shows only the fields its campaign's theme declares, never the NIR."""

from __future__ import annotations

from checker.day import Day
from checker.db import as_json, fetch
from checker.report import Breach, RuleResult
from checker.themes import DECLARED_FIELDS, DESK_EXTRAS, NEVER_SHOWN

RULE = "need_to_know"

# The entry's campaign, or else the campaign of the attempt it was shown for.
_POPS = """
SELECT e.id, e.actor, e.person_id, e.fields, c.id AS campaign_id, c.theme
FROM accessentry e
LEFT JOIN callattempt a ON a.id = e.attempt_id
LEFT JOIN campaign c ON c.id = COALESCE(e.campaign_id, a.campaign_id)
WHERE e.action = 'screen_pop' AND {condition}
ORDER BY e.id
"""


def _problem(theme: str | None, fields: list[str]) -> str | None:
    secret = sorted(NEVER_SHOWN.intersection(fields))
    if secret:
        return f"le NIR ({', '.join(secret)}) a été affiché à l'agent"
    declared = DECLARED_FIELDS.get(theme or "")
    if declared is None:
        return f"fiche affichée pour un thème inconnu ou sans campagne ({theme!r})"
    extra = sorted(set(fields) - declared - DESK_EXTRAS)
    if extra:
        return f"champs hors du thème « {theme} » affichés : {', '.join(extra)}"
    return None


def check(day: Day) -> RuleResult:
    condition, params = day.where_since("e.at")
    rows = fetch(day.conn, _POPS.format(condition=condition), **params)
    breaches = []
    for row in rows:
        fields = [str(name) for name in as_json(row["fields"]) or []]
        problem = _problem(row["theme"], fields)
        if problem is not None:
            subject = f"trace {row['id']} ({row['actor']}, personne {row['person_id']})"
            breaches.append(Breach(RULE, subject, problem))
    return RuleResult(RULE, len(rows), breaches)
