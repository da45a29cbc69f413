"""Rule 3: at most 4 reached calls per person in any 30 days, none within 60 days of a refusal.

The brief's defaults are the rule here, across campaigns: a campaign cannot
loosen a limit that protects the person from every campaign at once. Nor can a
second fund's file: Person rows sharing a NIR lookup are one person. A call is
reached when a human answered: an answer time or an agent connected, whatever
ended the call (an AMI outage, a crash, a drain), or a result saying so
(answered, abandoned); an answering machine is nobody. Its moment is the answer,
else the agent's connection. History before the period counts, but only a
window ending with a call of the period is reported.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from checker.day import Day
from checker.db import fetch_in, required_datetime
from checker.report import Breach, RuleResult

RULE = "contact_limits"
MAX_REACHED = 4
REACHED_WINDOW = timedelta(days=30)
COOLDOWN = timedelta(days=60)  # after a refusal

_PEOPLE = "SELECT id, nir_lookup FROM person WHERE id IN :ids"
_SAME_NIR = "SELECT id, nir_lookup FROM person WHERE nir_lookup IN :ids"
_REACHED = """
SELECT person_id, id, COALESCE(answered_at, connected_at) AS reached_at FROM callattempt
WHERE COALESCE(answered_at, connected_at) IS NOT NULL
  AND (connected_at IS NOT NULL OR result IS NULL OR result <> 'machine')
  AND person_id IN :ids
ORDER BY person_id, reached_at, id
"""
_REFUSALS = """
SELECT person_id, id, attempt_id, created_at FROM outcome
WHERE (interview = 'refused' OR offer = 'refused') AND person_id IN :ids
"""


def _identities(day: Day, people: set[int]) -> dict[int, str]:
    """Each person (and their other identities) by the subject the report names them with."""
    nirs = {int(row["id"]): row["nir_lookup"] for row in fetch_in(day.conn, _PEOPLE, people)}
    shared: dict[str, set[int]] = defaultdict(set)
    for row in fetch_in(day.conn, _SAME_NIR, {n for n in nirs.values() if n}):
        shared[str(row["nir_lookup"])].add(int(row["id"]))
    found: dict[int, str] = {}
    for person in sorted(people):
        group = shared.get(nirs.get(person) or "", set())
        if len(group) < 2:
            found[person] = f"personne {person}"
            continue
        label = "personnes " + " et ".join(str(p) for p in sorted(group)) + " (même NIR)"
        found.update(dict.fromkeys(group, label))
    return found


def _too_many(day: Day, identity: dict[int, str]) -> list[Breach]:
    reached: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for row in fetch_in(day.conn, _REACHED, identity):
        moment = required_datetime(row["reached_at"])
        reached[identity[int(row["person_id"])]].append((moment, row["id"]))
    breaches = []
    for subject, unsorted in sorted(reached.items()):
        calls = sorted(unsorted)
        for first in range(len(calls) - MAX_REACHED):
            start, end = calls[first][0], calls[first + MAX_REACHED][0]
            in_period = day.since is None or end >= day.since
            if end - start < REACHED_WINDOW and in_period:
                ids = ", ".join(str(i) for _, i in calls[first : first + MAX_REACHED + 1])
                detail = (
                    f"{MAX_REACHED + 1} appels aboutis entre le {start:%d/%m/%Y} et le "
                    f"{end:%d/%m/%Y}, moins de 30 jours (tentatives {ids})"
                )
                breaches.append(Breach(RULE, subject, detail))
                break  # one breach per person says enough
    return breaches


def _after_refusal(day: Day, identity: dict[int, str]) -> list[Breach]:
    refusals: dict[str, list[tuple[datetime, int, int | None]]] = defaultdict(list)
    for row in fetch_in(day.conn, _REFUSALS, identity):
        moment = required_datetime(row["created_at"])
        refusals[identity[int(row["person_id"])]].append((moment, row["id"], row["attempt_id"]))
    breaches = []
    for call in day.calls:
        attempt = day.attempt_of(call)
        if attempt is None:
            continue
        subject = identity.get(attempt.person_id, f"personne {attempt.person_id}")
        for refused_at, outcome_id, refused_in in refusals.get(subject, []):
            # A refusal said during this very call cannot have come before it, whatever
            # the clocks of the PBX and the desk say.
            if refused_in != attempt.id and refused_at < call.at < refused_at + COOLDOWN:
                detail = (
                    f"appel du {call.at:%d/%m/%Y} moins de 60 jours après le refus du "
                    f"{refused_at:%d/%m/%Y} (résultat {outcome_id})"
                )
                breaches.append(Breach(RULE, f"tentative {attempt.id}", detail))
                break
    return breaches


def check(day: Day) -> RuleResult:
    people = day.person_ids()
    identity = _identities(day, people)
    breaches = _too_many(day, identity) + _after_refusal(day, identity)
    return RuleResult(RULE, len(people), breaches)
