"""Rights requests: find a person by NIR, read what is held, rectify, limit, refuse calls.

The NIR is only ever posted, never put in a URL: addresses end up in logs and
browser history. Each page showing a person's data is traced by the library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from consent.ledger import is_opted_out
from dialer.compliance.privacy import register
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
from dialer.wording import Kind, choices, label
from web.bounds import parse_id
from web.deps import DbSession, FormDep, IdPath, IdQuery, RuntimeDep
from web.forms import field_text
from web.privacy_pages.deps import DpoUser, requester
from web.privacy_pages.register_pages import request_row, today
from web.refusals import HUMAN_ERRORS, french_error
from web.render import render

router = APIRouter()
RECTIFIABLE = (
    "last_name", "first_name", "address_line", "postal_code", "city", "phone_e164",
    "phone2_e164", "email", "company_name", "local_contact_name",
)  # fmt: skip
# What the request's history says of each action done from this page.
ACTION_NAMES_FR = {
    "rectification": "rectification des données",
    "limitation": "limitation du traitement",
    "levee": "levée de la limitation",
    "refus": "refus des appels sortants enregistré",
    "refus-deja": "refus des appels sortants (déjà enregistré)",
}
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
    day = today()
    attention = [request_row(found, day) for found in register.needing_attention(db, day)]
    context = {"plan": plan, "error": error, "attention": attention}
    return render(request, "dpo/index.html", context, status)


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
    demande: IdQuery = None,
) -> Response:
    done = DONE_FR.get(fait, "")
    return _person(request, person_id, user, db, runtime, done=done, request_id=demande)


def _person(
    request: Request, person_id: int, user: DpoUser, db: Session, runtime: RuntimeDep,
    status: int = 200, done: str = "", error: str = "", request_id: int | None = None,
) -> Response:  # fmt: skip
    try:
        report = access_report(db, runtime.cipher, person_id, requester(request, user))
    except RightsError as refusal:
        db.rollback()
        return _home(request, db, 404, str(refusal))
    db.commit()
    linked = _linked_request(db, person_id, request_id)
    declared = PERSON_FIELD_NAMES[Audience(report["person"]["audience"])]
    context = {
        "report": report, "letter": access_report_text_fr(report), "labels": choices(Kind.FIELD),
        "rectifiable": [name for name in RECTIFIABLE if name in declared],
        "done": done, "error": error, "linked": linked,
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
        db, person_id, changes, who, field_text(form, "motif", 200)), form)  # fmt: skip


@router.post("/dpo/personnes/{person_id}/limitation")
def limit_person(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    reason = field_text(form, "motif", 200)
    if field_text(form, "action", 10) == "lever":
        return _act(request, person_id, user, db, runtime, "levee",
                    lambda who: lift_limitation(db, person_id, who, reason), form)  # fmt: skip
    return _act(request, person_id, user, db, runtime, "limitation",
                lambda who: limit(db, person_id, who, reason), form)  # fmt: skip


@router.post("/dpo/personnes/{person_id}/refus-appels")
def refuse_calls(
    request: Request, person_id: IdPath, user: DpoUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    reason = field_text(form, "motif", 200)
    # Posted twice (double click, back button): the second changes and sends nothing.
    already = is_opted_out(db, person_id, "call")
    return _act(request, person_id, user, db, runtime, "refus-deja" if already else "refus",
                lambda who: refuse_outbound_calls(db, person_id, who, reason), form)  # fmt: skip


def _act(
    request: Request, person_id: int, user: DpoUser, db: Session, runtime: RuntimeDep,
    done: str, action: Callable[[Requester], object], form: FormData,
) -> Response:  # fmt: skip
    """Run ``action``; when the form names a request, the action is linked to it and traced."""
    request_id = _request_id(form)
    who = requester(request, user)
    what = ACTION_NAMES_FR[done]
    try:
        # The request's row first, the trail last: the lock order every writer keeps.
        linked = (
            register.attach_action(db, request_id, person_id, what, who) if request_id else None
        )
        outcome = action(who)
        if linked is not None:
            register.finish_action(db, linked, who, _described(what, outcome))
        db.commit()
    except HUMAN_ERRORS as refusal:
        db.rollback()
        return _person(
            request, person_id, user, db, runtime, 400, error=str(refusal), request_id=request_id
        )
    query = urlencode({"fait": done, **({"demande": request_id} if request_id else {})})
    return RedirectResponse(f"/dpo/personnes/{person_id}?{query}", status_code=303)


def _described(what: str, outcome: object) -> str:
    """The action as the request's history and letter name it: a rectification lists its fields."""
    if not isinstance(outcome, list):
        return what
    names = [str(name) for name in outcome]
    if not names:
        return f"{what} (aucune valeur différente de celles déjà conservées)"
    return f"{what} : " + ", ".join(label(Kind.FIELD, name) for name in names)


def _request_id(form: FormData) -> int | None:
    text = field_text(form, "demande", 12)
    if not text:
        return None
    request_id = parse_id(text)
    if request_id is None:
        raise french_error(400, "Numéro de demande invalide.")
    return request_id


def _linked_request(
    db: Session, person_id: int, request_id: int | None
) -> dict[str, object] | None:
    """The open request the page was opened for, shown above the forms; None otherwise."""
    if request_id is None:
        return None
    try:
        found = register.get_request(db, request_id)
    except register.RequestNotFound:
        return None
    if found.person_id != person_id:
        return None
    return request_row(found, today())
