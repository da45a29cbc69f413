"""The register of rights requests: record one, follow it, extend it, answer or refuse it.

The NIR is only ever posted, never put in an address. The actions themselves
(rectification, limitation, refusal of calls) are done on the person's page, opened
from the request, which links each of them to it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from dialer.compliance.privacy import register
from dialer.compliance.privacy.access_letter import access_report_text_fr
from dialer.compliance.privacy.access_report import access_report
from dialer.compliance.privacy.models import RightsRequest
from dialer.compliance.privacy.register_letter import answer_letter_fr, date_fr
from dialer.compliance.privacy.register_rules import (
    CHANNEL_LABELS_FR,
    KIND_LABELS_FR,
    OPEN_STATUSES,
    STEP_LABELS_FR,
    Channel,
    RequestKind,
    RequestStatus,
    StepKind,
    local_date,
    urgency,
)
from dialer.compliance.privacy.rights import RightsError
from dialer.compliance.privacy.trail import TrailAction, record_access
from dialer.core.columns import utcnow
from dialer.core.errors import Conflict
from web.deps import DbSession, FormDep, IdPath, RuntimeDep
from web.forms import field_text
from web.privacy_pages.deps import DpoUser, requester
from web.refusals import HUMAN_ERRORS
from web.render import render

router = APIRouter()
DONE_FR = {
    "enregistree": "Demande enregistrée : son délai de réponse est calculé.",
    "prolongee": "Délai prolongé de deux mois : indiquez-en le motif à la personne.",
    "refusee": (
        "Demande refusée : envoyez à la personne le courrier de refus (« Revoir le courrier »)."
    ),
    "repondue": "Courrier envoyé : la demande est close.",
    "commencee": "Traitement commencé.",
}
NEW_FIELDS = ("nir", "telephone", "recue_le", "type", "canal", "reference")


def request_row(request: RightsRequest, today: date) -> dict[str, Any]:
    """What the pages show of a request: labels, dates in French, the deadline's state."""
    status = RequestStatus(request.status)
    is_open = status in OPEN_STATUSES
    return {
        "request": request,
        "kind": KIND_LABELS_FR[RequestKind(request.kind)],
        "channel": CHANNEL_LABELS_FR[Channel(request.channel)],
        "status": register.status_label_fr(request),
        "open": is_open,
        "received": date_fr(request.received_on),
        "due": date_fr(request.due_on),
        "urgency": urgency(request.due_on, today) if is_open else None,
        "closed": date_fr(request.closed_on) if request.closed_on else "",
    }


def today() -> date:
    return register.dpo_today(utcnow())


@router.get("/dpo/demandes")
def requests_page(
    request: Request, _user: DpoUser, db: DbSession,
    toutes: Annotated[str, Query(max_length=3)] = "",
) -> Response:  # fmt: skip
    return _list(request, db, show_all=toutes == "oui")


def _list(
    request: Request, db: Session, show_all: bool = False, status: int = 200,
    error: str = "", values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    day = today()
    rows = [request_row(r, day) for r in register.list_requests(db, open_only=not show_all)]
    context = {
        "rows": rows, "show_all": show_all, "error": error, "values": values or {},
        "kinds": KIND_LABELS_FR, "channels": CHANNEL_LABELS_FR, "today": day.isoformat(),
    }  # fmt: skip
    return render(request, "dpo/requests.html", context, status)


@router.post("/dpo/demandes")
def record_request(
    request: Request, user: DpoUser, db: DbSession, form: FormDep, runtime: RuntimeDep
) -> Response:
    values = {name: field_text(form, name, 120) for name in NEW_FIELDS}
    who = requester(request, user)
    try:
        person = register.find_requester(db, runtime.cipher, values["nir"], values["telephone"])
        new = register.NewRequest(
            parse_date_fr(values["recue_le"]), values["type"], values["canal"],
            values["reference"],
        )  # fmt: skip
        recorded = register.record_request(db, person.id or 0, new, who, today())
        how = "NIR" if values["nir"] else "téléphone"
        record_access(
            db, actor=who.actor, actor_role=who.actor_role, action=TrailAction.SEARCH,
            person_id=person.id, fields=["nir" if values["nir"] else "phone_e164"],
            address=who.address, detail=f"recherche par {how} (demande n° {recorded.id})",
        )  # fmt: skip
        db.commit()
    except HUMAN_ERRORS as refusal:
        db.rollback()
        values["nir"] = ""  # a secret is never sent back into a page
        return _list(request, db, status=400, error=str(refusal), values=values)
    return RedirectResponse(f"/dpo/demandes/{recorded.id}?fait=enregistree", status_code=303)


@router.get("/dpo/demandes/{request_id}")
def request_page(
    request: Request, request_id: IdPath, _user: DpoUser, db: DbSession,
    fait: Annotated[str, Query(max_length=20)] = "",
) -> Response:  # fmt: skip
    return _detail(request, db, request_id, done=DONE_FR.get(fait, ""))


def _detail(
    request: Request, db: Session, request_id: int, status: int = 200, done: str = "",
    error: str = "",
) -> Response:  # fmt: skip
    found = register.get_request(db, request_id)
    steps = [
        {"at": local_date(s.at), "time": s.at, "label": STEP_LABELS_FR[StepKind(s.step)],
         "detail": s.detail, "actor": s.actor}
        for s in register.steps_of(db, request_id)
    ]  # fmt: skip
    context = {
        "row": request_row(found, today()), "steps": steps, "done": done, "error": error,
        "date_fr": date_fr,
    }  # fmt: skip
    return render(request, "dpo/request.html", context, status)


@router.post("/dpo/demandes/{request_id}/prolongation")
def extend_request(
    request: Request, request_id: IdPath, user: DpoUser, db: DbSession, form: FormDep
) -> Response:
    reason = field_text(form, "motif", 500)
    return _step(request, db, request_id, "prolongee",
                 lambda: register.extend(db, request_id, reason, requester(request, user),
                                         today()))  # fmt: skip


@router.post("/dpo/demandes/{request_id}/refus")
def refuse_request(
    request: Request, request_id: IdPath, user: DpoUser, db: DbSession, form: FormDep
) -> Response:
    reason = field_text(form, "motif", 500)
    return _step(request, db, request_id, "refusee",
                 lambda: register.refuse(db, request_id, reason, requester(request, user),
                                         today()))  # fmt: skip


@router.post("/dpo/demandes/{request_id}/reponse")
def answer_request(request: Request, request_id: IdPath, user: DpoUser, db: DbSession) -> Response:
    who = requester(request, user)
    return _step(request, db, request_id, "repondue",
                 lambda: register.answer(db, request_id, who, today()))  # fmt: skip


def _step(request: Request, db: Session, request_id: int, done: str, action: Any) -> Response:
    register.get_request(db, request_id)  # an unknown number is a 404 before anything is tried
    try:
        action()
        db.commit()
    except HUMAN_ERRORS as refusal:
        db.rollback()
        return _detail(request, db, request_id, status=_status_of(refusal), error=str(refusal))
    return RedirectResponse(f"/dpo/demandes/{request_id}?fait={done}", status_code=303)


@router.get("/dpo/demandes/{request_id}/courrier")
def letter_page(
    request: Request, request_id: IdPath, user: DpoUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    """The letter answering the request: the access letter itself for an access request."""
    found = register.get_request(db, request_id)
    is_access = found.kind == RequestKind.ACCESS and found.status != RequestStatus.REFUSED
    if is_access:
        who = requester(request, user)
        try:
            report = access_report(
                db, runtime.cipher, found.person_id, who,
                f"courrier de réponse à la demande n° {request_id}",
            )  # fmt: skip
        except RightsError as refusal:
            db.rollback()
            return _detail(request, db, request_id, status=409, error=str(refusal))
        db.commit()
        letter = access_report_text_fr(report)
    else:
        letter = answer_letter_fr(found, register.steps_of(db, request_id), today())
    context = {"row": request_row(found, today()), "letter": letter}
    return render(request, "dpo/request_letter.html", context)


def parse_date_fr(text: str) -> date:
    """A date typed as 2026-12-03 (the date field) or 03/12/2026; French refusal otherwise."""
    cleaned = text.strip()
    try:
        if "/" in cleaned:
            day, month, year = (int(part) for part in cleaned.split("/"))
            return date(year, month, day)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise RightsError(
            "Date de réception invalide : indiquez-la sous la forme JJ/MM/AAAA."
        ) from None


def _status_of(refusal: Exception) -> int:
    if isinstance(refusal, register.RequestNotFound):
        return 404
    return 409 if isinstance(refusal, Conflict) else 400
