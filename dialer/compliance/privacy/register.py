"""The register of rights requests: each request from receipt to its answer, every step traced.

Nothing here commits: the caller's transaction holds the change and its trail entry.
Row changes come first and the trail entry last (see ``trail``), so the lock order is
always the request's row, then the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, or_, select

from dialer.compliance.privacy.models import RightsRequest, RightsRequestStep
from dialer.compliance.privacy.register_rules import (
    CHANNEL_LABELS_FR,
    DUE_SOON_DAYS,
    KIND_LABELS_FR,
    OPEN_STATUSES,
    STATUS_LABELS_FR,
    STEP_LABELS_FR,
    Channel,
    RequestKind,
    RequestStatus,
    StepKind,
    deadline,
    extension_refusal_fr,
    local_date,
    received_refusal_fr,
)
from dialer.compliance.privacy.rights import RightsError, find_person_by_nir, load_person
from dialer.compliance.privacy.trail import Requester, TrailAction, record_access
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.models import Person
from dialer.contacts.people.phones import normalise_phone
from dialer.core.columns import require_id, utcnow
from dialer.core.crypto import DataCipher
from dialer.core.errors import Conflict, NotFound

REFERENCE_MAX = 100
REASON_MAX = 500


class RequestNotFound(NotFound):
    """No request has this number."""


@dataclass(frozen=True)
class NewRequest:
    """A request as the DPO types it, before any check."""

    received_on: date
    kind: str
    channel: str
    reference: str = ""


def dpo_today(now_utc: datetime) -> date:
    """The DPO's date at ``now_utc`` (naive UTC)."""
    return local_date(now_utc)


def find_requester(session: Session, cipher: DataCipher, nir: str, phone: str) -> Person:
    """The person a request is about: by NIR (keyed hash) or, failing that, by phone number."""
    if nir.strip():
        person = find_person_by_nir(session, cipher, nir)
        if person is None:
            raise RightsError("Aucune personne n'a ce NIR.")
        return person
    if not phone.strip():
        raise RightsError("Indiquez le NIR de la personne ou, à défaut, son numéro de téléphone.")
    try:
        number = normalise_phone(phone).e164
    except FieldError as error:
        raise RightsError(f"Numéro de téléphone invalide : {error.reason}.") from None
    people = session.exec(
        select(Person)
        .where(or_(col(Person.phone_e164) == number, col(Person.phone2_e164) == number))
        .where(col(Person.anonymised_at).is_(None))
        .order_by(col(Person.id))
        .limit(2)
    ).all()
    if not people:
        raise RightsError("Aucune personne n'a ce numéro de téléphone.")
    if len(people) > 1:
        raise RightsError(
            "Plusieurs personnes ont ce numéro de téléphone : retrouvez la personne par son NIR."
        )
    return people[0]


def record_request(
    session: Session, person_id: int, new: NewRequest, who: Requester, today: date
) -> RightsRequest:
    """Register a request received on ``new.received_on``; its deadline is computed."""
    kind, channel = _kind(new.kind), _channel(new.channel)
    refusal = received_refusal_fr(new.received_on, today)
    if refusal:
        raise RightsError(refusal)
    reference = " ".join(new.reference.split())
    if len(reference) > REFERENCE_MAX:
        raise RightsError(f"La référence ne doit pas dépasser {REFERENCE_MAX} caractères.")
    load_person(session, person_id)
    request = RightsRequest(
        person_id=person_id, received_on=new.received_on, kind=kind.value,
        channel=channel.value, reference=reference, status=RequestStatus.RECEIVED.value,
        due_on=deadline(new.received_on, extended=False), created_by=who.actor,
    )  # fmt: skip
    session.add(request)
    session.flush()
    summary = f"{KIND_LABELS_FR[kind]}, par {CHANNEL_LABELS_FR[channel]}"
    _step(session, request, who, StepKind.RECORDED, summary)
    return request


def get_request(session: Session, request_id: int, *, lock: bool = False) -> RightsRequest:
    query = select(RightsRequest).where(col(RightsRequest.id) == request_id)
    request = session.exec(query.with_for_update() if lock else query).first()
    if request is None:
        raise RequestNotFound(f"Demande introuvable (n° {request_id}).")
    return request


def start(session: Session, request_id: int, who: Requester) -> RightsRequest:
    request = _open(session, request_id)
    if request.status == RequestStatus.RECEIVED:
        _set_status(session, request, RequestStatus.IN_PROGRESS)
        _step(session, request, who, StepKind.STARTED, "")
    return request


@dataclass(frozen=True)
class LinkedAction:
    request: RightsRequest
    step: RightsRequestStep


def attach_action(
    session: Session, request_id: int, person_id: int, what: str, who: Requester
) -> LinkedAction:
    """Link an action done on the person's page to the request (traced by ``finish_action``).

    Call it before the action, so the request's row is locked before the trail is.
    """
    request = _open(session, request_id)
    if request.person_id != person_id:
        raise Conflict(f"La demande n° {request_id} concerne une autre personne.")
    if request.status == RequestStatus.RECEIVED:
        _set_status(session, request, RequestStatus.IN_PROGRESS)
    step = _new_step(request, who, StepKind.ACTION, what)
    session.add(step)
    session.flush()
    return LinkedAction(request, step)


def finish_action(session: Session, linked: LinkedAction, who: Requester, what: str) -> None:
    """Once the action is done: its history line says what it changed, and it is traced."""
    linked.step.detail = what[:REASON_MAX]
    session.add(linked.step)
    session.flush()
    _trace(session, linked.request, who, f"{STEP_LABELS_FR[StepKind.ACTION]} : {what}")


def extend(
    session: Session, request_id: int, reason: str, who: Requester, today: date
) -> RightsRequest:
    """Two more months, once, with the reason the person is told."""
    request = get_request(session, request_id, lock=True)
    cleaned = " ".join(reason.split())[:REASON_MAX]
    refusal = extension_refusal_fr(
        RequestStatus(request.status), request.received_on,
        request.extension_reason is not None, today, cleaned,
    )  # fmt: skip
    if refusal:
        raise Conflict(refusal)
    request.extension_reason = cleaned
    request.due_on = deadline(request.received_on, extended=True)
    _set_status(session, request, RequestStatus.IN_PROGRESS)
    _step(session, request, who, StepKind.EXTENDED, cleaned)
    return request


def answer(session: Session, request_id: int, who: Requester, today: date) -> RightsRequest:
    """The answer letter was sent: the request is closed as answered."""
    request = _open(session, request_id)
    request.closed_on = today
    _set_status(session, request, RequestStatus.ANSWERED)
    session.add(_new_step(request, who, StepKind.LETTER, ""))
    _step(session, request, who, StepKind.ANSWERED, "")
    return request


def refuse(
    session: Session, request_id: int, reason: str, who: Requester, today: date
) -> RightsRequest:
    """Closed as refused, with the reason the refusal letter gives the person."""
    cleaned = " ".join(reason.split())[:REASON_MAX]
    if not cleaned:
        raise RightsError("Le motif du refus est obligatoire (il est communiqué à la personne).")
    request = _open(session, request_id)
    request.closing_reason = cleaned
    request.closed_on = today
    _set_status(session, request, RequestStatus.REFUSED)
    _step(session, request, who, StepKind.REFUSED, cleaned)
    return request


def needing_attention(session: Session, today: date) -> list[RightsRequest]:
    """Open requests due within a week or already late, the most urgent first."""
    query = (
        select(RightsRequest)
        .where(col(RightsRequest.status).in_([status.value for status in OPEN_STATUSES]))
        .where(col(RightsRequest.due_on) <= today + timedelta(days=DUE_SOON_DAYS))
        .order_by(col(RightsRequest.due_on), col(RightsRequest.id))
    )
    return list(session.exec(query).all())


def list_requests(session: Session, open_only: bool, limit: int = 500) -> list[RightsRequest]:
    query = select(RightsRequest)
    if open_only:
        query = query.where(
            col(RightsRequest.status).in_([status.value for status in OPEN_STATUSES])
        )
    order = (col(RightsRequest.due_on), col(RightsRequest.id))
    return list(session.exec(query.order_by(*order).limit(limit)).all())


def steps_of(session: Session, request_id: int) -> list[RightsRequestStep]:
    query = select(RightsRequestStep).where(col(RightsRequestStep.request_id) == request_id)
    return list(session.exec(query.order_by(col(RightsRequestStep.id))).all())


def status_label_fr(request: RightsRequest) -> str:
    return STATUS_LABELS_FR[RequestStatus(request.status)]


def _open(session: Session, request_id: int) -> RightsRequest:
    request = get_request(session, request_id, lock=True)
    if request.status not in OPEN_STATUSES:
        label = STATUS_LABELS_FR[RequestStatus(request.status)]
        raise Conflict(f"La demande n° {request_id} est close ({label}) : rien n'a changé.")
    return request


def _set_status(session: Session, request: RightsRequest, status: RequestStatus) -> None:
    request.status = status.value
    session.add(request)
    session.flush()


def _new_step(
    request: RightsRequest, who: Requester, kind: StepKind, detail: str
) -> RightsRequestStep:
    return RightsRequestStep(
        request_id=require_id(request), at=utcnow(), actor=who.actor, step=kind.value,
        detail=detail[:REASON_MAX],
    )  # fmt: skip


def _step(
    session: Session, request: RightsRequest, who: Requester, kind: StepKind, detail: str
) -> None:
    session.add(_new_step(request, who, kind, detail))
    session.flush()
    text = STEP_LABELS_FR[kind] + (f" : {detail}" if detail else "")
    _trace(session, request, who, text)


def _trace(session: Session, request: RightsRequest, who: Requester, text: str) -> None:
    record_access(
        session, actor=who.actor, actor_role=who.actor_role, action=TrailAction.RIGHTS_REQUEST,
        person_id=request.person_id, fields=[], address=who.address,
        detail=f"demande n° {require_id(request)} : {text}",
    )  # fmt: skip


def _kind(value: str) -> RequestKind:
    try:
        return RequestKind(value)
    except ValueError:
        known = ", ".join(KIND_LABELS_FR.values())
        raise RightsError(f"Type de demande inconnu : choisissez parmi {known}.") from None


def _channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        known = ", ".join(CHANNEL_LABELS_FR.values())
        raise RightsError(f"Canal de réception inconnu : choisissez parmi {known}.") from None
