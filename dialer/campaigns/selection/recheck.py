"""The last look before a call is sent: the person's consent and limitation, read again.

A claim judged the person callable, but the call is sent later (seconds, or the
minutes an agent reads a preview): an opt-out, a limitation or a refusal in
another campaign may have been recorded meanwhile. This reads them once more,
from the database, right before the Originate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlmodel import col

from dialer.campaigns.attempts import Outcome
from dialer.campaigns.eligibility import Block, BlockCode
from dialer.campaigns.eligibility.limits import check_refusal
from dialer.campaigns.policies import CallingPolicy
from dialer.campaigns.selection.facts import REFUSED, Executor, opted_out_people, other_identities
from dialer.contacts.people.models import Person

OPTED_OUT_FR = "La personne a refusé les appels sortants."
LIMITED_FR = "Traitement limité à la demande de la personne."


def _last_refusal(db: Executor, person_ids: list[int]) -> datetime | None:
    query = select(col(Outcome.created_at)).where(
        col(Outcome.person_id).in_(person_ids),
        or_(col(Outcome.interview) == REFUSED, col(Outcome.offer) == REFUSED),
    )
    return max((row[0] for row in db.execute(query)), default=None)


def block_before_send(
    db: Executor, person_id: int, policy: CallingPolicy, now: datetime
) -> Block | None:
    """Why the person may no longer be called, as of now; None when still callable."""
    limited = db.execute(select(col(Person.limited)).where(col(Person.id) == person_id)).scalar()
    if limited is None or limited:
        return Block(BlockCode.LIMITED, LIMITED_FR, None)
    if opted_out_people(db, [person_id]):
        return Block(BlockCode.OPTED_OUT, OPTED_OUT_FR, None)
    identities = [person_id, *sorted(other_identities(db, [person_id]).get(person_id, ()))]
    return check_refusal(_last_refusal(db, identities), policy, now)
