"""Rule 4: never two calls at once to the same person, nor to the same number.

Whatever the campaigns: a person is one Person row, or several that share a NIR
lookup (the same insured person in two funds' files). A call lasts from its dial
line to its end line; a call the log never ended is taken as still going, so
anything dialled after it to the same person overlaps.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from checker.day import Day
from checker.dial_log import DialCall
from checker.report import Breach, RuleResult

RULE = "simultaneous_dial"


def _identities(day: Day) -> dict[str, str]:
    """By NIR lookup shared by several people called in the period, the report's subject."""
    people: dict[str, set[int]] = defaultdict(set)
    for call in day.calls:
        attempt = day.attempt_of(call)
        if attempt is not None and attempt.nir_lookup:
            people[attempt.nir_lookup].add(attempt.person_id)
    return {
        nir: "personnes " + " et ".join(str(p) for p in sorted(ids)) + " (même NIR)"
        for nir, ids in people.items()
        if len(ids) > 1
    }


def _groups(day: Day) -> dict[tuple[int, str], list[DialCall]]:
    """Calls by person, by identity, then by number: a pair is reported under the first."""
    groups: dict[tuple[int, str], list[DialCall]] = defaultdict(list)
    identities = _identities(day)
    for call in day.calls:
        attempt = day.attempt_of(call)
        if attempt is not None:
            groups[(0, f"personne {attempt.person_id}")].append(call)
            if attempt.nir_lookup in identities:
                groups[(1, identities[attempt.nir_lookup])].append(call)
        if call.number:
            groups[(2, f"numéro {call.number}")].append(call)
    return groups


def _overlaps(calls: list[DialCall]) -> list[tuple[DialCall, DialCall]]:
    """Each call that starts while an earlier one is still going, with that earlier one."""
    found = []
    ongoing: DialCall | None = None
    ongoing_end: datetime | None = None
    for call in sorted(calls, key=lambda c: (c.at, c.line)):
        if ongoing is not None and (ongoing_end is None or call.at < ongoing_end):
            found.append((ongoing, call))
        end = call.ended_at
        if ongoing is None or (ongoing_end is not None and (end is None or end > ongoing_end)):
            ongoing, ongoing_end = call, end
    return found


def check(day: Day) -> RuleResult:
    breaches: list[Breach] = []
    seen: set[tuple[int, int]] = set()
    for (_, subject), calls in sorted(_groups(day).items()):
        for earlier, later in _overlaps(calls):
            if (earlier.line, later.line) in seen:
                continue  # the same pair, already reported for the person or the number
            seen.add((earlier.line, later.line))
            detail = (
                f"{later.label} composé à {later.at:%H:%M:%S} UTC pendant {earlier.label}, "
                f"composé à {earlier.at:%H:%M:%S} UTC et pas encore terminé"
            )
            breaches.append(Breach(RULE, subject, detail))
    return RuleResult(RULE, len(day.calls), breaches)
