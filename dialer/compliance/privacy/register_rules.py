"""The rules of the rights-request register: kinds, channels, statuses, deadlines.

Pure: dates in, dates out. GDPR art. 12(3): an answer within one month of receipt,
extendable by two further months when the request is complex or requests are many,
provided the person is told why within the first month. A month ends on the same
day of the following month, or on its last day when that day does not exist
(regulation 1182/71, art. 3(2)(c)): received on 31 January, due on 28 or 29 February.
Erasure is not a kind: the processing rests on a legal obligation (GDPR art.
17(3)(b)), as objection does not apply; refusing outbound calls is what the notice offers.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dialer.wording import Kind, label

ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7
# The DPO works in metropolitan France: « today » and the deadlines are Paris dates.
DPO_TIME_ZONE = ZoneInfo("Europe/Paris")


class RequestKind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    LIMITATION = "limitation"
    CALL_REFUSAL = "call_refusal"


class Channel(StrEnum):
    POST = "post"
    EMAIL = "email"
    PHONE = "phone"
    COUNTER = "counter"


class RequestStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    REFUSED = "refused"


KIND_LABELS_FR = {kind: label(Kind.REQUEST_KIND, kind) for kind in RequestKind}
CHANNEL_LABELS_FR = {channel: label(Kind.REQUEST_CHANNEL, channel) for channel in Channel}
STATUS_LABELS_FR = {status: label(Kind.REQUEST_STATUS, status) for status in RequestStatus}


class StepKind(StrEnum):
    RECORDED = "recorded"
    STARTED = "started"
    ACTION = "action"
    EXTENDED = "extended"
    LETTER = "letter"
    ANSWERED = "answered"
    REFUSED = "refused"


STEP_LABELS_FR = {step: label(Kind.REQUEST_STEP, step) for step in StepKind}


OPEN_STATUSES = frozenset({RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline(received_on: date, extended: bool) -> date:
    months = ANSWER_MONTHS + (EXTENSION_MONTHS if extended else 0)
    return add_months(received_on, months)


@dataclass(frozen=True)
class Urgency:
    """How a request stands against its deadline on a given day."""

    days_left: int  # negative once past

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days_left <= DUE_SOON_DAYS

    def text_fr(self) -> str:
        if self.days_left < 0:
            late = -self.days_left
            return f"en retard de {late} jour{'s' if late > 1 else ''}"
        if self.days_left == 0:
            return "échéance aujourd'hui"
        plural = "s" if self.days_left > 1 else ""
        return f"{self.days_left} jour{plural} restant{plural}"


def urgency(due_on: date, today: date) -> Urgency:
    return Urgency((due_on - today).days)


def needs_attention(status: RequestStatus, due_on: date, today: date) -> bool:
    """Open and due within ``DUE_SOON_DAYS`` days, or already late: the DPO home lists it."""
    return status in OPEN_STATUSES and (due_on - today).days <= DUE_SOON_DAYS


def extension_refusal_fr(
    status: RequestStatus, received_on: date, extended: bool, today: date, reason: str
) -> str | None:
    """Why the deadline cannot be extended now, in French; None when it can."""
    if status not in OPEN_STATUSES:
        return "La demande est close : son délai ne peut plus être prolongé."
    if extended:
        return "Le délai a déjà été prolongé de deux mois : une seule prolongation est permise."
    if today > deadline(received_on, extended=False):
        return (
            "Le délai d'un mois est dépassé : la prolongation doit être notifiée à la personne "
            "dans le mois qui suit la réception de sa demande (RGPD, art. 12.3)."
        )
    if not reason.strip():
        return "Le motif de la prolongation est obligatoire (il est communiqué à la personne)."
    return None


def received_refusal_fr(received_on: date, today: date) -> str | None:
    """Why a reception date is refused, in French; None when it is acceptable."""
    if received_on > today:
        return "La date de réception ne peut pas être dans le futur."
    if received_on < add_months(today, -12):
        return "La date de réception a plus d'un an : vérifiez-la."
    return None


def local_date(utc_naive: datetime) -> date:
    """The DPO's (Paris) date of a naive UTC instant."""
    return utc_naive.replace(tzinfo=UTC).astimezone(DPO_TIME_ZONE).date()
