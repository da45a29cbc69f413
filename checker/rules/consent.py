"""Rule 2: no call to someone opted out of calls, or under limitation, at the dial time.

Opt-out: the person's latest ``call`` decision in the consent ledger before the
dial, by (at, id), is ``opt_out`` (a decision taken during that very call, which
the ledger references as « appel <attempt> », does not count against it).

Limitation is a flag on the person, with no history of its own; its history is
read from the access trail, where every rights request that sets or lifts it
leaves a ``rights_request`` entry naming the field ``limited`` (a lift says
« levée » in its detail). Before the first such entry the person was in the
opposite state of that entry. A person limited now with no entry at all has an
unknown start: the checker then holds every call of the period against them,
since a limitation must be honoured from the moment it exists and the checker
cannot prove it came after the call.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import datetime

from checker.day import Day
from checker.db import as_json, fetch_in, required_datetime
from checker.dial_log import DialCall
from checker.report import Breach, RuleResult

RULE = "consent"

_CONSENT = """
SELECT person_id, decision, reference, at, id FROM consententry
WHERE channel = 'call' AND person_id IN :ids
ORDER BY person_id, at, id
"""
_LIMITATION = """
SELECT person_id, at, id, fields, detail FROM accessentry
WHERE action = 'rights_request' AND person_id IN :ids
ORDER BY person_id, at, id
"""

# Per person, (moment, state) in time order: limited from that moment on, or not.
Timeline = list[tuple[datetime, bool]]
# Per person, (moment, opted out, reference) in ledger order.
Ledger = list[tuple[datetime, bool, str]]


def _state_at(timeline: Timeline, moment: datetime, before_first: bool) -> bool:
    # Only what was decided strictly before the dial binds it: a clock that did not
    # move between a dial and a decision taken during that call must not condemn it.
    index = bisect_left([at for at, _ in timeline], moment)
    return timeline[index - 1][1] if index else before_first


def _opted_out_at(ledger: Ledger, moment: datetime, attempt_id: int) -> bool:
    # A decision taken during this very call (the ledger references it) came after it.
    own = f"appel {attempt_id}"
    earlier = [(at, out) for at, out, reference in ledger if reference != own]
    return _state_at(earlier, moment, before_first=False)


def _opt_outs(day: Day, people: set[int]) -> dict[int, Ledger]:
    found: dict[int, Ledger] = defaultdict(list)
    for row in fetch_in(day.conn, _CONSENT, people):
        decision = (required_datetime(row["at"]), row["decision"] == "opt_out")
        found[int(row["person_id"])].append((*decision, str(row["reference"] or "")))
    return found


def _limitations(day: Day, people: set[int]) -> dict[int, Timeline]:
    found: dict[int, Timeline] = defaultdict(list)
    for row in fetch_in(day.conn, _LIMITATION, people):
        if "limited" not in (as_json(row["fields"]) or []):
            continue
        lifted = "levée" in str(row["detail"] or "").lower()
        found[int(row["person_id"])].append((required_datetime(row["at"]), not lifted))
    return found


def _limited_at(timeline: Timeline, limited_now: bool, moment: datetime) -> bool:
    if not timeline:
        return limited_now
    first_sets_limit = timeline[0][1]
    return _state_at(timeline, moment, before_first=not first_sets_limit)


def _breach(call: DialCall, attempt_id: int, what: str) -> Breach:
    detail = f"appel du {call.at:%d/%m/%Y %H:%M:%S} UTC alors que la personne {what}"
    return Breach(RULE, f"tentative {attempt_id}", detail)


def check(day: Day) -> RuleResult:
    people = {a.person_id for c in day.calls if (a := day.attempt_of(c)) is not None}
    opt_outs = _opt_outs(day, people)
    limitations = _limitations(day, people)
    breaches: list[Breach] = []
    examined = 0
    for call in day.calls:
        attempt = day.attempt_of(call)
        if attempt is None:
            continue
        examined += 1
        person = attempt.person_id
        if _opted_out_at(opt_outs.get(person, []), call.at, attempt.id):
            breaches.append(_breach(call, attempt.id, "s'est opposée aux appels sortants"))
        elif _limited_at(limitations.get(person, []), attempt.limited, call.at):
            breaches.append(_breach(call, attempt.id, "fait l'objet d'une limitation"))
    return RuleResult(RULE, examined, breaches)
