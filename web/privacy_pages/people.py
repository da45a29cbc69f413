"""Rights requests: find a person by NIR, read what is held, rectify, limit, refuse calls.

The NIR is only ever posted, never put in a URL: addresses end up in logs and
browser history. Each page showing a person's data is traced by the library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlmodel import Session

from consent.ledger import is_opted_out
from dialer.compliance.privacy.access_letter import access_letter, access_report_text_fr
from dialer.compliance.privacy.access_report import access_report
from dialer.compliance.privacy.letter_pdf import letter_pdf
from dialer.compliance.privacy.retention import plan_purge
from dialer.compliance.privacy.rights import (
    RightsError,
    find_person_by_nir,
    lift_limitation,
    limit,
    rectify,
    refuse_outbound_calls,
)  # fmt: skip
from dialer.compliance.privacy.trail import Requester, TrailAction, record_access
from dialer.contacts.themes import Audience
from dialer.contacts.themes.person_fields import PERSON_FIELD_NAMES
from dialer.core.columns import utcnow
from dialer.wording import Kind, choices
from web.deps import DbSession, FormDep, IdPath, RuntimeDep
from web.forms import field_text
from web.privacy_pages.deps import DpoUser, requester
from web.refusals import HUMAN_ERRORS, french_error
from web.render import render

router = APIRouter()
RECTIFIABLE = (
    "last_name", "first_name", "address_line", "postal_code", "city", "phone_e164",
    "phone2_e164", "email", "company_name", "local_contact_name",
)  # fmt: skip
DONE_FR = {
    "rectification": "Rectification enregistrée et transmise aux caisses.",
    "limitation": "Traitement limité.",
    "levee": "Limitation levée.",
    "refus": "Refus des appels sortants enregistré.",
    "refus-deja": "Le refus des appels sortants était déjà enregistré : rien n'a changé.",
}


@router.get("/dpo")
def dpo_home(request: Request, _user: DpoUser, db: DbSession) -> Response:
    return _home(request, db)


def _home(request: Request, db: Session, status: int = 200, error: str = "") -> Response:
    plan = plan_purge(db, utcnow())
    return render(request, "dpo/index.html", {"plan": plan, "error": error}, status)


@router.post("/dpo/recherche")
def search_person(
    request: Request, user: DpoUser, db: DbSession, form: FormDep, runtime: RuntimeDep
) -> Response:
    try:
        person = find_person_by_nir(db, runtime.cipher, field_text(form, "nir", 30))
    except RightsError as error:
        return _home(request, db, 400, str(error))
    if person is None or person.id is None:
        return _home(request, db, 404, "Aucune personne n'a ce NIR.")
    who = requester(request, user)
    record_access(
        db, actor=who.actor, actor_role=who.actor_role, action=TrailAction.SEARCH,
        person_id=person.id, fields=["nir"], address=who.address, detail="recherche par NIR",
    )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/dpo/personnes/{person.id}", status_code=303)


@router.get("/dpo/personnes/{person_id}")
def person_page(
    request: Request,
    person_id: IdPath,
    user: DpoUser,
    db: DbSession,
    runtime: RuntimeDep,
    fait: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _person(request, person_id, user, db, runtime, done=DONE_FR.get(fait, ""))


def _person(
    request: Request, person_id: int, user: DpoUser, db: Session, runtime: RuntimeDep,
    status: int = 200, done: str = "", error: str = "",
) -> Response:  # fmt: skip
    try:
        report = access_report(db, runtime.cipher, person_id, requester(request, user))
    except RightsError as refusal:
        db.rollback()
        return _home(request, db, 404, str(refusal))
    db.commit()
    declared = PERSON_FIELD_NAMES[Audience(report["person"]["audience"])]
    context = {
        "report": report, "letter": access_report_text_fr(report), "labels": choices(Kind.FIELD),
        "rectifiable": [name for name in RECTIFIABLE if name in declared],
        "done": done, "error": error,
    }  # fmt: skip
    return render(request, "dpo/person.html", context, status)


@router.get("/dpo/personnes/{person_id}/lettre.txt")
def person_letter(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    report = _report_or_404(request, person_id, user, db, runtime, "courrier téléchargé")
    name = f"droit-acces-personne-{person_id}.txt"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return PlainTextResponse(access_report_text_fr(report), headers=headers)


@router.get("/dpo/personnes/{person_id}/lettre.pdf")
def person_letter_pdf(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    report = _report_or_404(request, person_id, user, db, runtime, "courrier PDF téléchargé")
    headers = {
        "Content-Disposition": f'attachment; filename="droit-acces-personne-{person_id}.pdf"'
    }
    return Response(
        letter_pdf(access_letter(report)), media_type="application/pdf", headers=headers
    )


@router.get("/dpo/personnes/{person_id}/rapport.json")
def person_json(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    report = _report_or_404(request, person_id, user, db, runtime, "rapport JSON téléchargé")
    headers = {"Content-Disposition": f'attachment; filename="droit-acces-{person_id}.json"'}
    body = json.dumps(report, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers=headers)


def _report_or_404(
    request: Request, person_id: int, user: DpoUser, db: Session, runtime: RuntimeDep,
    delivery: str,
) -> dict[str, object]:  # fmt: skip
    try:
        who = requester(request, user)
        report = access_report(db, runtime.cipher, person_id, who, delivery)
    except RightsError as refusal:
        raise french_error(404, str(refusal)) from refusal
    db.commit()
    return report


@router.post("/dpo/personnes/{person_id}/rectification")
def rectify_person(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    changes = {name: field_text(form, name, 300) for name in RECTIFIABLE}
    changes = {name: value for name, value in changes.items() if value}
    return _act(request, person_id, user, db, runtime, "rectification", lambda who: rectify(
        db, person_id, changes, who, field_text(form, "motif", 200)))  # fmt: skip


@router.post("/dpo/personnes/{person_id}/limitation")
def limit_person(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    reason = field_text(form, "motif", 200)
    if field_text(form, "action", 10) == "lever":
        return _act(request, person_id, user, db, runtime, "levee",
                    lambda who: lift_limitation(db, person_id, who, reason))  # fmt: skip
    return _act(request, person_id, user, db, runtime, "limitation",
                lambda who: limit(db, person_id, who, reason))  # fmt: skip


@router.post("/dpo/personnes/{person_id}/refus-appels")
def refuse_calls(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    reason = field_text(form, "motif", 200)
    # Posted twice (double click, back button): the second changes and sends nothing.
    already = is_opted_out(db, person_id, "call")
    return _act(request, person_id, user, db, runtime, "refus-deja" if already else "refus",
                lambda who: refuse_outbound_calls(db, person_id, who, reason))  # fmt: skip


def _act(
    request: Request, person_id: int, user: DpoUser, db: Session, runtime: RuntimeDep,
    done: str, action: Callable[[Requester], object],
) -> Response:  # fmt: skip
    try:
        action(requester(request, user))
        db.commit()
    except HUMAN_ERRORS as refusal:
        db.rollback()
        return _person(request, person_id, user, db, runtime, 400, error=str(refusal))
    return RedirectResponse(f"/dpo/personnes/{person_id}?fait={done}", status_code=303)
