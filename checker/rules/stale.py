"""Rule 10: at the end of the day no contact is left in progress without a holder,
and nobody is left locked by a call that is over.

A contact in progress is held by a worker's lease, or, once its call was bridged,
by the agent until the outcome is written (the dialer clears the lease then, on
purpose: an expiring lease must not hand the person to another call while the
agent is still talking or writing). Any other contact in progress is lost: no
worker will dial it, none will release it. A lease is live if it outlasts the
day's last recorded moment (the checker has no clock of its own: the day may be
simulated, ahead of the wall clock).

A live-call lock (``livecalllock``) keeps every campaign from calling the person
while a call is live; once that call has its final result it must be gone, or
lapse within the day: a lock of a finished call still valid after the day's last
moment would keep the person from every campaign for nothing.

An agent a worker holds (``reserved``) with no call is being matched with a
person by a tick under way; held so for minutes before the day's end, the tick
that held them is gone (a worker killed in between) and nobody will free them:
the agent is lost to every campaign.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from checker.day import Day
from checker.db import as_datetime, fetch
from checker.report import Breach, RuleResult

RULE = "stale_contact"
_IN_PROGRESS = """
SELECT c.id, c.campaign_id, c.person_id, c.lease_expires_at,
       a.id AS attempt_id, a.connected_at,
       (SELECT COUNT(*) FROM outcome o WHERE o.attempt_id = a.id) AS outcomes
FROM campaigncontact c
LEFT JOIN callattempt a ON a.id = (
    SELECT MAX(l.id) FROM callattempt l WHERE l.contact_id = c.id)
WHERE c.status = 'in_progress' AND {condition}
"""
_LEFT_LOCKS = """
SELECT a.id, a.person_id, a.connected_at, a.ended_at, COUNT(*) AS n,
       MAX(l.expires_at) AS until,
       (SELECT COUNT(*) FROM outcome o WHERE o.attempt_id = a.id) AS outcomes
FROM livecalllock l JOIN callattempt a ON a.id = l.attempt_id
WHERE a.result IS NOT NULL
GROUP BY a.id, a.person_id, a.connected_at, a.ended_at ORDER BY a.id
"""
# The dialer's promise (docs/deploy.md): after a talk whose outcome is not yet written,
# the agent holds the person at most this long past the call's end.
OUTCOME_WRITING_HOLD = timedelta(minutes=10)
_HELD_AGENTS = """
SELECT user_id, worker_id, since FROM agentpresence
WHERE state = 'reserved' AND attempt_id IS NULL ORDER BY user_id
"""
# A tick holds agents for a second or so; minutes mean nobody will free them.
HELD_FOR_NOTHING = timedelta(minutes=2)
_CONTACTS = "SELECT COUNT(*) AS n FROM campaigncontact c WHERE {condition}"
_LAST_MOMENTS = """
SELECT MAX(created_at) AS created, MAX(ended_at) AS ended FROM callattempt
"""


def _day_end(day: Day) -> datetime | None:
    """The latest moment the dial log or the attempts recorded."""
    moments = [m for call in day.calls for m in (call.at, call.ended_at) if m is not None]
    for row in fetch(day.conn, _LAST_MOMENTS):
        moments += [m for m in (as_datetime(row["created"]), as_datetime(row["ended"])) if m]
    return max(moments, default=None)


def _why_stale(lease: datetime | None, end: datetime | None) -> str | None:
    if lease is None:
        return "contact resté « en cours » sans bail ni agent pour le tenir"
    if end is not None and lease <= end:
        return (
            f"contact resté « en cours » sans bail valide (échu à {lease:%H:%M:%S} UTC, "
            f"fin de journée à {end:%H:%M:%S} UTC)"
        )
    return None


def _held_too_long(row: dict[str, object], until: datetime | None, end: datetime | None) -> bool:
    """A finished call's locks outlive the day; fine only while its outcome is awaited."""
    if end is None or until is None or until <= end:
        return False
    ended = as_datetime(row["ended_at"])
    awaited = row["connected_at"] is not None and int(str(row["outcomes"])) == 0
    return not (awaited and ended is not None and until <= ended + OUTCOME_WRITING_HOLD)


def _left_locks(day: Day, end: datetime | None) -> list[Breach]:
    breaches = []
    for row in fetch(day.conn, _LEFT_LOCKS):
        until = as_datetime(row["until"])
        if _held_too_long(dict(row), until, end):
            detail = (
                f"{row['n']} verrou(s) d'appel en cours encore posé(s) par la tentative "
                f"{row['id']}, pourtant terminée : la personne ne peut plus être appelée"
            )
            breaches.append(Breach(RULE, f"personne {row['person_id']}", detail))
    return breaches


def _held_agents(day: Day, end: datetime | None) -> list[Breach]:
    breaches = []
    for row in fetch(day.conn, _HELD_AGENTS):
        since = as_datetime(row["since"])
        if end is None or since is None or since <= end - HELD_FOR_NOTHING:
            detail = (
                f"agent resté « réservé » sans appel par {row['worker_id']} depuis "
                f"{since:%H:%M:%S} UTC : plus aucun appel ne lui sera donné"
                if since is not None
                else f"agent resté « réservé » sans appel par {row['worker_id']}"
            )
            breaches.append(Breach(RULE, f"agent {row['user_id']}", detail))
    return breaches


def check(day: Day) -> RuleResult:
    end = _day_end(day)
    condition, params = day.where_since("c.updated_at")
    rows = fetch(day.conn, _IN_PROGRESS.format(condition=condition), **params)
    breaches: list[Breach] = []
    for row in rows:
        if row["connected_at"] is not None and int(row["outcomes"]) == 0:
            continue  # bridged: the agent holds the person until the outcome is written
        reason = _why_stale(as_datetime(row["lease_expires_at"]), end)
        if reason is not None:
            where = f" (campagne {row['campaign_id']}, personne {row['person_id']})"
            breaches.append(Breach(RULE, f"contact {row['id']}", reason + where))
    examined = fetch(day.conn, _CONTACTS.format(condition=condition), **params)[0]["n"]
    found = breaches + _left_locks(day, end) + _held_agents(day, end)
    return RuleResult(RULE, int(examined), found)
