"""What each simulated agent hears and records: a seeded policy per person and call.

The draw depends only on the seed, the contact and how many outcomes that
contact already had today, so two runs of the same day give a person reached in
both the same outcome, whatever the faults did to the order of the calls.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Choice(StrEnum):
    ACCEPTED = "accepted"
    REFUSED_INTERVIEW = "refused_interview"
    REFUSED_OFFER = "refused_offer"
    CALLBACK = "callback"
    CONTACT_CHANGE = "contact_change"
    OPT_OUT = "opt_out"


WEIGHTS: dict[Choice, float] = {
    Choice.ACCEPTED: 0.42,
    Choice.REFUSED_INTERVIEW: 0.14,
    Choice.REFUSED_OFFER: 0.16,
    Choice.CALLBACK: 0.10,
    Choice.CONTACT_CHANGE: 0.10,
    Choice.OPT_OUT: 0.08,
}
TALK_MIN_S, TALK_MAX_S = 45.0, 240.0
CALLBACK_AFTER = timedelta(minutes=90)


@dataclass(frozen=True)
class Decision:
    choice: Choice
    talk_s: float  # simulated seconds the agent talks before recording


def decide(seed: int, contact_id: int, earlier_outcomes: int) -> Decision:
    digest = hashlib.sha256(f"{seed}:{contact_id}:{earlier_outcomes}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    choice = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    # A second callback the same day would only push the person out of the day.
    if choice is Choice.CALLBACK and earlier_outcomes > 0:
        choice = Choice.ACCEPTED
    return Decision(choice, rng.uniform(TALK_MIN_S, TALK_MAX_S))


def form_fields(
    decision: Decision, contact_id: int, time_zone: str, now: datetime
) -> dict[str, str]:
    """The outcome form as the desk posts it (field names of desk/outcome_form.html)."""
    choice = decision.choice
    if choice is Choice.REFUSED_INTERVIEW:
        return {"entretien": "refused", "offre": ""}
    if choice is Choice.REFUSED_OFFER:
        return {"entretien": "accepted", "offre": "refused"}
    if choice is Choice.OPT_OUT:
        return {"entretien": "refused", "offre": "", "consentement_call": "opt_out"}
    fields = {"entretien": "accepted", "offre": "accepted"}
    if choice is Choice.CALLBACK:
        return {
            "entretien": "accepted",
            "offre": "",
            "rappel": _local(now + CALLBACK_AFTER, time_zone),
        }
    if choice is Choice.CONTACT_CHANGE:
        fields["nouvel_email"] = f"assure.{contact_id}@exemple.fr"
    return fields


def _local(moment: datetime, time_zone: str) -> str:
    """``datetime-local`` text in the person's time zone, as the browser sends it."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone))
    return local.strftime("%Y-%m-%dT%H:%M")
